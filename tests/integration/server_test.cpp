// The contract's SMPP behaviour, checked against the real binary over loopback.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "harness.hpp"

namespace {

using namespace smppd;
using namespace smppd::testing;
using namespace std::chrono_literals;
using smpp::command_id;
using smpp::command_status;

class server_test : public ::testing::Test {
 protected:
  void start(const std::string& smpp_extra = "") {
    dir.write_config(smpp_extra);
    add_account("acme", "secret", {"--max-binds", "2"});
    server.emplace(dir);
    ASSERT_NE(server->port(), 0);
  }
  void add_account(const std::string& name, const std::string& password,
                   const std::vector<std::string>& extra = {}) {
    const auto r = smppd::testing::add_account(dir, name, password, extra);
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  std::unique_ptr<raw_client> bound(command_id kind = command_id::bind_transceiver) {
    auto c = std::make_unique<raw_client>(server->port());
    EXPECT_EQ(c->bind(kind, "acme", "secret"), command_status::esme_rok);
    return c;
  }

  scratch_dir dir;
  std::optional<server_process> server;
};

TEST_F(server_test, binds_each_kind_and_answers_sc_interface_version_0x34) {
  start();
  for (auto kind : {command_id::bind_transmitter, command_id::bind_receiver}) {
    raw_client c(server->port());
    c.send(smpp::make_pdu(smpp::bind_transmitter{}, 1));  // placeholder replaced below
    c.expect_pdu();  // the transmitter bind without credentials is refused
    EXPECT_TRUE(c.closed_within(2s));
    raw_client good(server->port());
    EXPECT_EQ(good.bind(kind, "acme", "secret"), command_status::esme_rok);
  }
  raw_client trx(server->port());
  smpp::bind_transceiver b;
  b.system_id.assign("acme");
  b.password.assign("secret");
  trx.send(smpp::make_pdu(b, 77));
  const auto resp = trx.expect_pdu();
  const auto* body = resp.get_if<smpp::bind_transceiver_resp>();
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(resp.sequence_number, 77u);
  EXPECT_EQ(resp.command_status, command_status::esme_rok);
  EXPECT_EQ(body->tlvs.get_u8(smpp::tlv_tag::sc_interface_version), 0x34);
}

TEST_F(server_test, a_wrong_password_is_rinvpaswd_then_the_session_closes) {
  start();
  raw_client c(server->port());
  EXPECT_EQ(c.bind(command_id::bind_transceiver, "acme", "wrong"), command_status::esme_rinvpaswd);
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(server_test, an_unknown_system_id_is_rinvsysid_then_the_session_closes) {
  start();
  raw_client c(server->port());
  EXPECT_EQ(c.bind(command_id::bind_transmitter, "nobody", "secret"),
            command_status::esme_rinvsysid);
  EXPECT_TRUE(c.closed_within(2s));
}

TEST_F(server_test, more_binds_than_the_accounts_max_is_rbindfail) {
  start();
  auto first = bound();
  auto second = bound(command_id::bind_receiver);
  raw_client third(server->port());
  EXPECT_EQ(third.bind(command_id::bind_transmitter, "acme", "secret"),
            command_status::esme_rbindfail);
  // A slot frees when a session ends.
  first.reset();
  std::this_thread::sleep_for(200ms);
  raw_client fourth(server->port());
  EXPECT_EQ(fourth.bind(command_id::bind_transmitter, "acme", "secret"), command_status::esme_rok);
}

TEST_F(server_test, a_second_bind_on_a_bound_session_is_ralybnd) {
  start();
  auto c = bound();
  EXPECT_EQ(c->bind(command_id::bind_transmitter, "acme", "secret"), command_status::esme_ralybnd);
  EXPECT_EQ(c->submit("4512345678", "still bound").command_status, command_status::esme_rok);
}

TEST_F(server_test, interface_version_0x33_is_accepted) {
  start();
  raw_client c(server->port());
  EXPECT_EQ(c.bind(command_id::bind_transceiver, "acme", "secret", 0x33), command_status::esme_rok);
}

TEST_F(server_test, submit_before_bind_is_rinvbndsts_with_no_body) {
  start();
  raw_client c(server->port());
  const auto resp = c.submit("4512345678", "too early");
  EXPECT_EQ(resp.command_status, command_status::esme_rinvbndsts);
  EXPECT_EQ(smpp::encoded_size(resp), 16u);
}

TEST_F(server_test, submit_on_a_receiver_is_rinvbndsts) {
  start();
  auto c = bound(command_id::bind_receiver);
  EXPECT_EQ(c->submit("4512345678", "receiver").command_status, command_status::esme_rinvbndsts);
}

TEST_F(server_test, message_ids_are_unique_decimal_numbers_of_at_most_19_digits) {
  start();
  auto c = bound();
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    const auto resp = c->submit("4512345678", "message " + std::to_string(i));
    ASSERT_EQ(resp.command_status, command_status::esme_rok);
    const std::string id(resp.get_if<smpp::submit_sm_resp>()->message_id.view());
    ASSERT_FALSE(id.empty());
    ASSERT_LE(id.size(), 19u);
    ASSERT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 200u);
}

// A burst in one write reaches the store as one batch; each submit_sm still gets its own
// answer under its own sequence number, refusals among them included.
TEST_F(server_test, submits_written_together_are_each_answered_under_their_sequence) {
  start();
  auto c = bound();
  std::vector<std::uint8_t> burst;
  std::map<std::uint32_t, command_status> expected;
  for (int i = 0; i < 120; ++i) {
    auto s = make_submit("4512345678", "together " + std::to_string(i));
    if (i % 7 == 3) s.dest_addr_ton = 2;  // refused before the store
    const auto sequence = c->next_sequence();
    expected[sequence] = i % 7 == 3 ? command_status::esme_rinvdstton : command_status::esme_rok;
    smpp::encode(smpp::make_pdu(std::move(s), sequence), burst);
  }
  c->send_bytes(burst);
  std::set<std::string> ids;
  for (int n = 0; n < 120; ++n) {
    const auto resp = c->expect_pdu();
    ASSERT_EQ(resp.command_id(), command_id::submit_sm_resp);
    const auto want = expected.find(resp.sequence_number);
    ASSERT_NE(want, expected.end()) << resp.sequence_number;
    EXPECT_EQ(resp.command_status, want->second) << resp.sequence_number;
    if (resp.command_status == command_status::esme_rok) {
      ids.insert(std::string(resp.get_if<smpp::submit_sm_resp>()->message_id.view()));
    }
    expected.erase(want);  // answered once
  }
  EXPECT_TRUE(expected.empty());
  EXPECT_EQ(ids.size(), 120u - 17u);  // i % 7 == 3 for 17 of 0..119
}
TEST_F(server_test, message_ids_stay_unique_across_a_restart) {
  start();
  std::set<std::string> ids;
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {
      ASSERT_EQ(server->terminate(), 0);
      server.emplace(dir);
    }
    auto c = bound();
    for (int i = 0; i < 50; ++i) {
      ids.insert(std::string(
          c->submit("4512345678", "x").get_if<smpp::submit_sm_resp>()->message_id.view()));
    }
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(server_test, submit_sm_rules_give_the_contracts_statuses) {
  start();
  auto c = bound();
  const auto status_of = [&](smpp::submit_sm s) {
    const auto sequence = c->next_sequence();
    c->send(smpp::make_pdu(s, sequence));
    const auto resp = c->expect_pdu();
    EXPECT_EQ(resp.sequence_number, sequence);
    return resp.command_status;
  };
  auto s = make_submit("4512345678", "hi");
  s.dest_addr_ton = 2;
  EXPECT_EQ(status_of(s), command_status::esme_rinvdstton);
  s = make_submit("1234567890123456", "hi");
  EXPECT_EQ(status_of(s), command_status::esme_rinvdstadr);
  s = make_submit("4512345678", "hi");
  s.data_coding = 5;
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
  s = make_submit("4512345678", "\x80");
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
  s = make_submit("4512345678", "hi");
  s.priority_flag = 4;
  EXPECT_EQ(status_of(s), command_status::esme_rinvprtflg);
  s = make_submit("4512345678", "hi");
  s.source_addr.assign("ABCDEFGHIJKL");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcadr);
  s = make_submit("4512345678", "hi");
  s.tlvs.set(smpp::tlv_tag::message_class, std::vector<std::uint8_t>{'g', 'o', 'l', 'd'});
  EXPECT_EQ(status_of(s), command_status::esme_rinvoptparamval);
  s = make_submit("4512345678", "hi");
  s.tlvs.set(smpp::tlv_tag::message_class,
             std::vector<std::uint8_t>{'p', 'r', 'e', 'm', 'i', 'u', 'm'});
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s = make_submit("4512345678", "hi");
  s.validity_period.assign("261399000000000+");
  EXPECT_EQ(status_of(s), command_status::esme_rinvexpiry);
}

TEST_F(server_test, a_malformed_tlv_stream_is_rinvoptparstream) {
  start();
  auto c = bound();
  auto bytes = smpp::encode(smpp::make_pdu(make_submit("4512345678", "hi"), 5));
  // Append a TLV header that claims 10 octets but carries 2, and fix command_length.
  for (std::uint8_t b : {0x02, 0x04, 0x00, 0x0A, 0x00, 0x01}) bytes.push_back(b);
  bytes[3] = static_cast<std::uint8_t>(bytes.size());
  c->send_bytes(bytes);
  const auto resp = c->expect_pdu();
  EXPECT_EQ(resp.command_id(), command_id::submit_sm_resp);
  EXPECT_EQ(resp.command_status, command_status::esme_rinvoptparstream);
  EXPECT_EQ(c->submit("4512345678", "after").command_status, command_status::esme_rok);
}

TEST_F(server_test, an_unknown_command_id_gets_generic_nack_rinvcmdid_with_its_sequence) {
  start();
  auto c = bound();
  c->send_bytes({0, 0, 0, 16, 0x00, 0x00, 0x01, 0x23, 0, 0, 0, 0, 0, 0, 0x12, 0x34});
  const auto resp = c->expect_pdu();
  EXPECT_EQ(resp.command_id(), command_id::generic_nack);
  EXPECT_EQ(resp.command_status, command_status::esme_rinvcmdid);
  EXPECT_EQ(resp.sequence_number, 0x1234u);
  // The session goes on.
  EXPECT_EQ(c->submit("4512345678", "after").command_status, command_status::esme_rok);
}

TEST_F(server_test, a_command_length_below_16_is_nacked_and_closes_only_that_connection) {
  start();
  auto other = bound();
  raw_client bad(server->port());
  bad.send_bytes({0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 9});
  const auto resp = bad.expect_pdu();
  EXPECT_EQ(resp.command_id(), command_id::generic_nack);
  EXPECT_EQ(resp.command_status, command_status::esme_rinvcmdlen);
  EXPECT_EQ(resp.sequence_number, 9u);
  EXPECT_TRUE(bad.closed_within(2s));
  EXPECT_EQ(other->submit("4512345678", "untouched").command_status, command_status::esme_rok);
}

TEST_F(server_test, a_command_length_of_4_gib_is_nacked_and_closed_without_allocating_it) {
  start();
  const long before = server->resident_kib();
  raw_client bad(server->port());
  bad.send_bytes({0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1});
  const auto resp = bad.expect_pdu();
  EXPECT_EQ(resp.command_status, command_status::esme_rinvcmdlen);
  EXPECT_TRUE(bad.closed_within(2s));
  EXPECT_LT(server->resident_kib() - before, 8 * 1024);
}

TEST_F(server_test, garbage_bytes_close_the_connection_and_nothing_else) {
  start();
  auto other = bound();
  raw_client bad(server->port());
  std::vector<std::uint8_t> garbage(64);
  for (std::size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<std::uint8_t>(i * 37 + 11);
  bad.send_bytes(garbage);
  EXPECT_TRUE(bad.closed_within(3s));
  EXPECT_EQ(other->submit("4512345678", "untouched").command_status, command_status::esme_rok);
}

TEST_F(server_test, a_pdu_dribbled_one_byte_at_a_time_is_understood) {
  start();
  auto c = bound();
  const auto bytes = smpp::encode(smpp::make_pdu(make_submit("4512345678", "slowly"), 42));
  for (const auto b : bytes) {
    c->send_bytes({b});
    std::this_thread::sleep_for(2ms);
  }
  const auto resp = c->expect_pdu();
  EXPECT_EQ(resp.sequence_number, 42u);
  EXPECT_EQ(resp.command_status, command_status::esme_rok);
}

TEST_F(server_test, an_unbound_connection_is_closed_at_the_bind_timeout) {
  start("bind_timeout_s = 1");
  raw_client idle(server->port());
  EXPECT_TRUE(idle.closed_within(3s));
}

TEST_F(server_test, a_silent_session_is_probed_with_enquire_link_then_closed) {
  start("enquire_link_interval_s = 1\nenquire_link_timeout_s = 3");
  auto c = bound();
  smpp::pdu probe;
  ASSERT_EQ(c->read(probe, 3s), read_outcome::pdu);
  EXPECT_EQ(probe.command_id(), command_id::enquire_link);
  EXPECT_TRUE(c->closed_within(5s));
}

TEST_F(server_test, a_session_that_answers_enquire_link_stays_open) {
  start("enquire_link_interval_s = 1\nenquire_link_timeout_s = 3");
  auto c = bound();
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < until) {
    smpp::pdu p;
    const auto outcome = c->read(p, 500ms);
    ASSERT_NE(outcome, read_outcome::closed);
    if (outcome == read_outcome::pdu && p.command_id() == command_id::enquire_link) {
      c->send(smpp::make_pdu(smpp::enquire_link_resp{}, p.sequence_number));
    }
  }
  EXPECT_EQ(c->submit("4512345678", "alive").command_status, command_status::esme_rok);
}

TEST_F(server_test, the_account_throughput_limit_answers_rthrottled) {
  dir.write_config();
  add_account("slow", "pw", {"--throughput", "5"});
  server.emplace(dir);
  raw_client c(server->port());
  ASSERT_EQ(c.bind(command_id::bind_transmitter, "slow", "pw"), command_status::esme_rok);
  int throttled = 0;
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    const auto status = c.submit("4512345678", "burst").command_status;
    throttled += status == command_status::esme_rthrottled ? 1 : 0;
    ok += status == command_status::esme_rok ? 1 : 0;
  }
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 7);
  EXPECT_EQ(ok + throttled, 20);
}

TEST_F(server_test, account_changes_count_for_the_next_bind_without_a_restart) {
  start();
  ASSERT_EQ(run_smppd({"account", "passwd", "acme", "--password", "new", "--config",
                       dir.config().string()})
                .exit_status,
            0);
  raw_client old_password(server->port());
  EXPECT_EQ(old_password.bind(command_id::bind_transmitter, "acme", "secret"),
            command_status::esme_rinvpaswd);
  raw_client new_password(server->port());
  EXPECT_EQ(new_password.bind(command_id::bind_transmitter, "acme", "new"),
            command_status::esme_rok);
  ASSERT_EQ(run_smppd({"account", "remove", "acme", "--config", dir.config().string()}).exit_status,
            0);
  raw_client removed(server->port());
  EXPECT_EQ(removed.bind(command_id::bind_transmitter, "acme", "new"),
            command_status::esme_rinvsysid);
}

TEST_F(server_test, binds_and_submits_over_tls) {
  start();
  ASSERT_NE(server->tls_port(), 0);
  raw_client c(server->tls_port(), true);
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.bind(command_id::bind_transceiver, "acme", "secret"), command_status::esme_rok);
  EXPECT_EQ(c.submit("4512345678", "over TLS").command_status, command_status::esme_rok);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "var" / "tls" / "cert.pem"));
}

TEST_F(server_test, sigterm_unbinds_every_session_and_exits_0) {
  start();
  auto c = bound();
  raw_client unbound(server->port());
  std::thread client([&] {
    smpp::pdu p;
    if (c->read(p, 5s) == read_outcome::pdu && p.command_id() == command_id::unbind) {
      c->send(smpp::make_pdu(smpp::unbind_resp{}, p.sequence_number));
    } else {
      ADD_FAILURE() << "no unbind from the server";
    }
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server->terminate(), 0);
  client.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_TRUE(c->closed_within(1s));
}

TEST_F(server_test, sigterm_gives_up_on_a_client_that_never_answers_unbind) {
  start();
  auto c = bound();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server->terminate(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(server_test, a_client_that_never_reads_does_not_grow_memory_or_slow_others) {
  start();
  auto greedy = bound();
  const long before = server->resident_kib();
  // 40 000 submits written without reading a single response.
  std::vector<std::uint8_t> burst;
  for (int i = 0; i < 40000; ++i) {
    smpp::encode(smpp::make_pdu(make_submit("4512345678", "never read"), greedy->next_sequence()),
                 burst);
  }
  std::thread writer([&] { greedy->send_bytes(burst); });
  std::this_thread::sleep_for(1s);
  auto other = bound();
  const auto t = std::chrono::steady_clock::now();
  EXPECT_EQ(other->submit("4512345678", "fast").command_status, command_status::esme_rok);
  EXPECT_LT(std::chrono::steady_clock::now() - t, 1s);
  // Bounded: 1 MiB of unread responses, at most max_outstanding_submits waiting for the
  // store, SQLite's page cache (16 MiB) filling with what was accepted; then flat.
  // Settled first: a loaded machine may still be working through the burst (and filling
  // SQLite's page cache) a second in.
  long held = server->resident_kib();
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(500ms);
    const long now = server->resident_kib();
    const bool settled = now - held < 1024;
    held = now;
    if (settled) break;
  }
  // Settled under ASan this measured 30-40 MiB above `before` (its shadow memory and
  // allocator bookkeeping of the above): the bound catches runaway growth, not a megabyte.
  EXPECT_LT(held - before, 64 * 1024);
  std::this_thread::sleep_for(2s);
  const long after = server->resident_kib();
  std::printf("resident KiB: before %ld, held %ld, 2 s later %ld\n", before, held, after);
  // Release builds stay flat here (+16 KiB measured); under ASan its allocator's own
  // bookkeeping of the store's churn (journal rows, folds) adds 5-9 MiB in these 2 s even
  // with a 4 MiB quarantine, hence 16 MiB of slack: this catches runaway growth, not a
  // megabyte.
  EXPECT_LT(after - held, 16 * 1024);
  greedy.reset();  // closing unblocks the writer
  writer.join();
}

TEST_F(server_test, a_connection_flood_leaves_the_server_serving) {
  start();
  std::vector<std::unique_ptr<raw_client>> flood;
  for (int i = 0; i < 500; ++i) flood.push_back(std::make_unique<raw_client>(server->port()));
  auto c = bound();
  EXPECT_EQ(c->submit("4512345678", "through the flood").command_status, command_status::esme_rok);
  flood.clear();
  EXPECT_TRUE(server->running());
}

TEST_F(server_test, a_port_in_use_exits_2_naming_the_key) {
  start();
  scratch_dir other;
  {
    std::ofstream out(other.config());
    out << "[smpp]\nlisten = \"127.0.0.1:" << server->port() << "\"\ntls_listen = \"\"\n";
  }
  const auto r = run_smppd({"serve", "--config", other.config().string()});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("smpp.listen"), std::string::npos) << r.err;
}

TEST_F(server_test, an_unknown_config_key_exits_2) {
  dir.write_config("colour = \"blue\"");
  const auto r = run_smppd({"serve", "--config", dir.config().string()});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("smpp.colour: unknown key"), std::string::npos) << r.err;
}

TEST_F(server_test, logs_never_contain_a_password) {
  start();
  {
    raw_client c(server->port());
    c.bind(command_id::bind_transceiver, "acme", "wrongpw1");
  }
  { auto c = bound(); }
  std::this_thread::sleep_for(200ms);
  const auto log = server->log();
  EXPECT_NE(log.find("ESME_RINVPASWD"), std::string::npos);
  EXPECT_EQ(log.find("wrongpw1"), std::string::npos);
  EXPECT_EQ(log.find("secret"), std::string::npos);
}

}  // namespace
