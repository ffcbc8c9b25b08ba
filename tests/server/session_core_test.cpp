#include "server/session_core.hpp"

#include <gtest/gtest.h>

#include "server/bind_registry.hpp"
#include "support/test_time.hpp"

namespace {

using namespace smppd;
using namespace std::chrono_literals;
using server::session_core;
using server::session_state;
using smpp::command_id;
using smpp::command_status;

using smppd::test_support::t0;
const wall_time wall0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}};

// The PDUs a core wrote, decoded.
std::vector<smpp::pdu> sent(std::vector<std::uint8_t>& wire) {
  std::vector<smpp::pdu> out;
  std::span<const std::uint8_t> rest = wire;
  while (!rest.empty()) {
    const auto frame = smpp::next_frame(rest, 1 << 20);
    EXPECT_EQ(frame.kind, smpp::frame_kind::frame);
    if (frame.kind != smpp::frame_kind::frame) break;
    auto decoded = smpp::decode(rest.first(frame.size));
    EXPECT_TRUE(decoded) << "the core wrote an undecodable PDU";
    if (decoded) out.push_back(std::move(*decoded));
    rest = rest.subspan(frame.size);
  }
  wire.clear();
  return out;
}

smpp::submit_sm valid_submit() {
  smpp::submit_sm s;
  s.source_addr_ton = 1;
  s.source_addr.assign("4512345678");
  s.dest_addr_ton = 1;
  s.destination_addr.assign("4587654321");
  s.short_message.assign("hello");
  return s;
}

// The node side of a submit: the real bind_registry (each account's shared throughput limit,
// on the test's time) and ids counted from 1000.
class registry_gate final : public server::submit_gate {
 public:
  bool try_submit(const std::string& system_id, steady_time now) override {
    return registry.try_submit(system_id, now);
  }
  std::uint64_t next_message_id(wall_time) override { return next_id++; }

  server::bind_registry registry;
  std::uint64_t next_id = 1000;
};

class session_core_test : public ::testing::Test {
 protected:
  registry_gate gate;
  session_core core{settings(), gate, t0};
  std::vector<std::uint8_t> wire;
  std::string webhook_url_;  // the bound account's

  static server::session_settings settings() {
    server::session_settings s;
    s.window = 2;
    return s;
  }

  server::session_events feed(smpp::pdu p, steady_time now = t0) {
    return core.on_pdu(std::move(p), now, wall0, wire);
  }

  void bind_as(server::bind_kind kind) {
    smpp::bind_transceiver b;
    b.system_id.assign("acme");
    b.password.assign("pw");
    auto events = feed(smpp::make_pdu(b, 1));
    ASSERT_TRUE(events.bind);
    auto request = *events.bind;
    request.kind = kind;
    server::bind_outcome ok{command_status::esme_rok, {}, {"standard"}, webhook_url_};
    ok.policy.max_priority = 1;
    core.on_bind_result(request, ok, t0, wire);
    wire.clear();
  }
};

TEST_F(session_core_test, answers_enquire_link_before_bind) {
  feed(smpp::make_pdu(smpp::enquire_link{}, 7));
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::enquire_link_resp);
  EXPECT_EQ(out[0].sequence_number, 7u);
  EXPECT_EQ(out[0].command_status, command_status::esme_rok);
}

TEST_F(session_core_test, submit_before_bind_is_rinvbndsts_without_body) {
  feed(smpp::make_pdu(valid_submit(), 3));
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::submit_sm_resp);
  EXPECT_EQ(out[0].command_status, command_status::esme_rinvbndsts);
  EXPECT_EQ(smpp::encode(out[0]).size(), 16u);
}

TEST_F(session_core_test, a_bind_asks_the_shell_to_check_credentials) {
  smpp::bind_transmitter b;
  b.system_id.assign("acme");
  b.password.assign("secret");
  b.interface_version = 0x33;
  const auto events = feed(smpp::make_pdu(b, 9));
  ASSERT_TRUE(events.bind);
  EXPECT_EQ(events.bind->kind, server::bind_kind::transmitter);
  EXPECT_EQ(events.bind->system_id, "acme");
  EXPECT_EQ(events.bind->password, "secret");
  EXPECT_EQ(events.bind->sequence_number, 9u);
  EXPECT_EQ(core.state(), session_state::binding);
  EXPECT_TRUE(wire.empty());
}

TEST_F(session_core_test, a_successful_bind_answers_with_sc_interface_version_0x34) {
  smpp::bind_transceiver b;
  b.system_id.assign("acme");
  const auto events = feed(smpp::make_pdu(b, 4));
  core.on_bind_result(*events.bind, {command_status::esme_rok, {}, {}, {}}, t0, wire);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  const auto* resp = out[0].get_if<smpp::bind_transceiver_resp>();
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(out[0].sequence_number, 4u);
  EXPECT_EQ(resp->system_id, "smppd");
  EXPECT_EQ(resp->tlvs.get_u8(smpp::tlv_tag::sc_interface_version), 0x34);
  EXPECT_EQ(core.state(), session_state::bound_trx);
}

TEST_F(session_core_test, a_refused_bind_answers_the_status_and_closes) {
  smpp::bind_receiver b;
  b.system_id.assign("nobody");
  const auto events = feed(smpp::make_pdu(b, 5));
  const auto after =
      core.on_bind_result(*events.bind, {command_status::esme_rinvsysid, {}, {}, {}}, t0, wire);
  EXPECT_TRUE(after.close);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::bind_receiver_resp);
  EXPECT_EQ(out[0].command_status, command_status::esme_rinvsysid);
}

TEST_F(session_core_test, a_second_bind_is_ralybnd) {
  bind_as(server::bind_kind::transceiver);
  smpp::bind_transmitter b;
  b.system_id.assign("acme");
  const auto events = feed(smpp::make_pdu(b, 11));
  EXPECT_FALSE(events.bind);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::bind_transmitter_resp);
  EXPECT_EQ(out[0].command_status, command_status::esme_ralybnd);
  EXPECT_EQ(core.state(), session_state::bound_trx);
}

TEST_F(session_core_test, submit_on_a_receiver_is_rinvbndsts) {
  bind_as(server::bind_kind::receiver);
  const auto events = feed(smpp::make_pdu(valid_submit(), 3));
  EXPECT_FALSE(events.submit_sequence);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_status, command_status::esme_rinvbndsts);
}

TEST_F(session_core_test, an_account_with_a_webhook_has_it_on_its_smpp_messages) {
  webhook_url_ = "https://acme.example/status";
  bind_as(server::bind_kind::transmitter);
  const auto events = feed(smpp::make_pdu(valid_submit(), 21));
  ASSERT_TRUE(events.submit_sequence);
  EXPECT_EQ(events.submit.callback_url, "https://acme.example/status");
  EXPECT_EQ(events.submit.batch_id, 0u);  // the webhook names the message's own id
}

TEST_F(session_core_test, a_valid_submit_goes_to_the_shell_with_priority_capped) {
  bind_as(server::bind_kind::transmitter);
  auto s = valid_submit();
  s.priority_flag = 3;
  s.dest_addr_ton = 0;
  const auto events = feed(smpp::make_pdu(s, 21));
  ASSERT_TRUE(events.submit_sequence);
  EXPECT_EQ(*events.submit_sequence, 21u);
  EXPECT_EQ(events.submit.priority, 1);
  EXPECT_EQ(events.submit.requested_priority, 3);
  EXPECT_EQ(events.submit.dest_addr_ton, 1);
  EXPECT_EQ(events.submit.id, 1000u);
  EXPECT_EQ(events.submit.system_id, "acme");
  EXPECT_EQ(events.submit.submitted_at, wall0);
  EXPECT_TRUE(events.submit.callback_url.empty());  // no webhook: SMPP receipts only
  EXPECT_TRUE(wire.empty());
  core.on_submit_result(21, command_status::esme_rok, "1234567890123456789", wire);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  const auto* resp = out[0].get_if<smpp::submit_sm_resp>();
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(resp->message_id, "1234567890123456789");
}

TEST_F(session_core_test, submits_over_the_accounts_throughput_are_rthrottled_until_time_passes) {
  ASSERT_TRUE(gate.registry.try_bind("acme", 10, 2, t0));  // 2 per second, shared
  bind_as(server::bind_kind::transmitter);
  EXPECT_TRUE(feed(smpp::make_pdu(valid_submit(), 1)).submit_sequence);
  EXPECT_TRUE(feed(smpp::make_pdu(valid_submit(), 2)).submit_sequence);
  const auto refused = feed(smpp::make_pdu(valid_submit(), 3));
  EXPECT_FALSE(refused.submit_sequence);
  EXPECT_EQ(wire.size(), 16u);  // a header: error responses carry no body
  auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::submit_sm_resp);
  EXPECT_EQ(out[0].command_status, command_status::esme_rthrottled);
  EXPECT_EQ(out[0].sequence_number, 3u);
  EXPECT_EQ(gate.next_id, 1002u);  // no id spent on a refused submit
  // Half a second later one token is back.
  const auto later = feed(smpp::make_pdu(valid_submit(), 4), t0 + 500ms);
  ASSERT_TRUE(later.submit_sequence);
  EXPECT_EQ(later.submit.id, 1002u);
}

TEST_F(session_core_test, an_invalid_submit_is_answered_by_the_core) {
  bind_as(server::bind_kind::transceiver);
  auto s = valid_submit();
  s.dest_addr_ton = 2;
  feed(smpp::make_pdu(s, 8));
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_status, command_status::esme_rinvdstton);
}

TEST_F(session_core_test, unsupported_commands_get_generic_nack_rinvcmdid) {
  bind_as(server::bind_kind::transceiver);
  feed(smpp::make_pdu(smpp::query_sm{}, 12));
  feed(smpp::make_pdu(smpp::unknown_pdu{command_id{0x00000099}, {}}, 13));
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& p : out) {
    EXPECT_EQ(p.command_id(), command_id::generic_nack);
    EXPECT_EQ(p.command_status, command_status::esme_rinvcmdid);
  }
  EXPECT_EQ(out[0].sequence_number, 12u);
  EXPECT_EQ(out[1].sequence_number, 13u);
}

TEST_F(session_core_test, responses_outside_the_command_set_get_generic_nack_rinvcmdid) {
  bind_as(server::bind_kind::transceiver);
  feed(smpp::make_pdu(smpp::unknown_pdu{command_id{0x80000099}, {}}, 14));
  feed(smpp::make_pdu(smpp::unknown_pdu{command_id{0xFFFFFFFF}, {}}, 15));
  feed(smpp::make_pdu(smpp::query_sm_resp{}, 16));
  feed(smpp::make_pdu(smpp::data_sm_resp{}, 17));
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 4u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].command_id(), command_id::generic_nack);
    EXPECT_EQ(out[i].command_status, command_status::esme_rinvcmdid);
    EXPECT_EQ(out[i].sequence_number, 14u + i);
  }
}

TEST_F(session_core_test, responses_of_the_command_set_to_nothing_get_no_answer) {
  bind_as(server::bind_kind::transceiver);
  feed(smpp::make_pdu(smpp::deliver_sm_resp{}, 18));
  feed(smpp::make_pdu(smpp::enquire_link_resp{}, 19));
  feed(smpp::make_pdu(smpp::generic_nack{}, 20));
  EXPECT_TRUE(sent(wire).empty());
}

TEST_F(session_core_test, unbind_is_answered_then_the_session_closes) {
  bind_as(server::bind_kind::transceiver);
  const auto events = feed(smpp::make_pdu(smpp::unbind{}, 30));
  EXPECT_TRUE(events.close);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::unbind_resp);
  EXPECT_EQ(out[0].command_status, command_status::esme_rok);
}

TEST_F(session_core_test, closes_an_unbound_session_at_the_bind_timeout) {
  EXPECT_EQ(core.next_deadline(), t0 + 30s);
  EXPECT_FALSE(core.on_tick(t0 + 29s, wire).close);
  EXPECT_TRUE(core.on_tick(t0 + 30s, wire).close);
}

TEST_F(session_core_test, probes_a_silent_session_then_closes_it) {
  bind_as(server::bind_kind::transceiver);
  EXPECT_EQ(core.next_deadline(), t0 + 30s);
  core.on_tick(t0 + 30s, wire);
  auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::enquire_link);
  EXPECT_FALSE(core.on_tick(t0 + 89s, wire).close);
  EXPECT_TRUE(core.on_tick(t0 + 90s, wire).close);
}

TEST_F(session_core_test, any_pdu_counts_as_activity) {
  bind_as(server::bind_kind::transceiver);
  feed(smpp::make_pdu(smpp::enquire_link{}, 2), t0 + 80s);
  wire.clear();
  EXPECT_FALSE(core.on_tick(t0 + 100s, wire).close);
  EXPECT_EQ(core.next_deadline(), t0 + 110s);
}

TEST_F(session_core_test, the_window_limits_unacknowledged_deliver_sm) {
  bind_as(server::bind_kind::receiver);
  EXPECT_EQ(core.free_window(), 2u);
  const auto first = core.send_deliver_sm(smpp::deliver_sm{}, t0, wire);
  core.send_deliver_sm(smpp::deliver_sm{}, t0, wire);
  EXPECT_EQ(core.free_window(), 0u);
  sent(wire);
  const auto events = feed(smpp::make_pdu(smpp::deliver_sm_resp{}, first));
  ASSERT_EQ(events.acks.size(), 1u);
  EXPECT_EQ(events.acks[0].sequence_number, first);
  EXPECT_EQ(events.acks[0].status, command_status::esme_rok);
  EXPECT_EQ(core.free_window(), 1u);
}

TEST_F(session_core_test, an_unanswered_deliver_sm_times_out_after_30_seconds) {
  bind_as(server::bind_kind::receiver);
  const auto seq = core.send_deliver_sm(smpp::deliver_sm{}, t0, wire);
  feed(smpp::make_pdu(smpp::enquire_link{}, 2), t0 + 29s);  // the client is alive
  const auto events = core.on_tick(t0 + 30s, wire);
  ASSERT_EQ(events.acks.size(), 1u);
  EXPECT_EQ(events.acks[0].sequence_number, seq);
  EXPECT_NE(events.acks[0].status, command_status::esme_rok);
  EXPECT_TRUE(events.acks[0].timed_out);
  EXPECT_EQ(core.free_window(), 2u);
}

TEST_F(session_core_test, an_answered_deliver_sm_is_not_a_timeout_even_with_an_error) {
  bind_as(server::bind_kind::receiver);
  const auto seq = core.send_deliver_sm(smpp::deliver_sm{}, t0, wire);
  const auto events =
      feed(smpp::make_pdu(smpp::deliver_sm_resp{}, seq, command_status::esme_rsyserr));
  ASSERT_EQ(events.acks.size(), 1u);
  EXPECT_EQ(events.acks[0].status, command_status::esme_rsyserr);
  EXPECT_FALSE(events.acks[0].timed_out);
}

// A core whose limit is 3 protocol errors per 60 s.
class protocol_error_test : public session_core_test {
 protected:
  static server::session_settings strict() {
    server::session_settings s;
    s.max_protocol_errors = 3;
    return s;
  }
  session_core strict_core{strict(), gate, t0};
  server::session_events unknown(std::uint32_t sequence, steady_time now = t0) {
    return strict_core.on_pdu(
        smpp::make_pdu(smpp::unknown_pdu{command_id{0x00000099}, {}}, sequence), now, wall0, wire);
  }
};

TEST_F(protocol_error_test, unsupported_commands_are_protocol_errors_of_their_own_kind) {
  const auto events = unknown(1);
  EXPECT_TRUE(events.protocol_error);
  EXPECT_EQ(events.kind, "unsupported command");
  EXPECT_FALSE(events.close);
  EXPECT_EQ(strict_core.protocol_errors(), 1u);
}

TEST_F(protocol_error_test, a_response_to_nothing_is_a_protocol_error) {
  const auto events =
      strict_core.on_pdu(smpp::make_pdu(smpp::deliver_sm_resp{}, 77), t0, wall0, wire);
  EXPECT_TRUE(events.protocol_error);
  EXPECT_EQ(events.kind, "unexpected response");
}

TEST_F(protocol_error_test, an_undecodable_pdu_is_a_protocol_error) {
  smpp::decode_error error{};
  error.command_id = command_id::submit_sm;
  error.sequence_number = 5;
  error.status = command_status::esme_rinvoptparstream;
  error.field = "tlvs";
  const auto events = strict_core.on_decode_error(error, t0, wire);
  EXPECT_TRUE(events.protocol_error);
  EXPECT_EQ(events.kind, "undecodable PDU");
  EXPECT_FALSE(events.close);
}

TEST_F(protocol_error_test, one_error_more_than_the_limit_answers_then_closes) {
  for (std::uint32_t i = 1; i <= 3; ++i) EXPECT_FALSE(unknown(i).close);
  const auto events = unknown(4);
  EXPECT_TRUE(events.close);
  EXPECT_NE(events.reason.find("more than 3 protocol errors within 60 s"), std::string::npos)
      << events.reason;
  EXPECT_EQ(strict_core.state(), session_state::closed);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 4u);  // the last one is still answered before the close
  EXPECT_EQ(out[3].command_id(), command_id::generic_nack);
  EXPECT_EQ(out[3].sequence_number, 4u);
}

TEST_F(protocol_error_test, errors_spread_over_periods_do_not_close) {
  for (std::uint32_t i = 0; i < 12; ++i) {
    EXPECT_FALSE(unknown(i + 1, t0 + std::chrono::seconds(i * 20)).close) << i;
  }
  EXPECT_EQ(strict_core.protocol_errors(), 12u);
}

TEST_F(protocol_error_test, refused_requests_that_are_well_formed_are_not_protocol_errors) {
  const auto events = strict_core.on_pdu(smpp::make_pdu(valid_submit(), 9), t0, wall0, wire);
  EXPECT_FALSE(events.protocol_error);
  EXPECT_EQ(events.kind, "submit_sm without a transmitter bind");
  EXPECT_EQ(strict_core.protocol_errors(), 0u);
}

TEST_F(session_core_test, no_limit_when_max_protocol_errors_is_0) {
  server::session_settings s;
  s.max_protocol_errors = 0;
  session_core lenient{s, gate, t0};
  for (std::uint32_t i = 1; i <= 1000; ++i) {
    ASSERT_FALSE(lenient.on_pdu(smpp::make_pdu(smpp::query_sm{}, i), t0, wall0, wire).close);
  }
  EXPECT_EQ(lenient.protocol_errors(), 1000u);
}

TEST_F(session_core_test, server_unbind_waits_for_unbind_resp) {
  bind_as(server::bind_kind::transceiver);
  core.start_unbind(t0, wire);
  auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::unbind);
  EXPECT_EQ(core.state(), session_state::unbinding);
  const auto events = feed(smpp::make_pdu(smpp::unbind_resp{}, out[0].sequence_number));
  EXPECT_TRUE(events.close);
}

TEST_F(session_core_test, server_unbind_gives_up_after_five_seconds) {
  bind_as(server::bind_kind::transceiver);
  core.start_unbind(t0, wire);
  EXPECT_FALSE(core.on_tick(t0 + 4s, wire).close);
  EXPECT_TRUE(core.on_tick(t0 + 5s, wire).close);
}

TEST_F(session_core_test, a_bad_command_length_is_nacked_and_closes) {
  std::vector<std::uint8_t> bytes = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 42};
  const auto frame = smpp::next_frame(bytes, 65536);
  ASSERT_EQ(frame.kind, smpp::frame_kind::fatal);
  EXPECT_TRUE(core.on_frame_error(frame, wire).close);
  const auto out = sent(wire);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].command_id(), command_id::generic_nack);
  EXPECT_EQ(out[0].command_status, command_status::esme_rinvcmdlen);
  EXPECT_EQ(out[0].sequence_number, 42u);
}

TEST_F(session_core_test, sequence_numbers_of_server_requests_stay_in_range) {
  bind_as(server::bind_kind::receiver);
  for (int i = 0; i < 5; ++i) {
    const auto seq = core.send_deliver_sm(smpp::deliver_sm{}, t0, wire);
    EXPECT_GE(seq, 1u);
    EXPECT_LE(seq, 0x7FFFFFFFu);
    feed(smpp::make_pdu(smpp::deliver_sm_resp{}, seq));
  }
}

}  // namespace
