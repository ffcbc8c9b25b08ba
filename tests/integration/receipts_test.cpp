// The contract's delivery receipts and durability ("Delivery receipts", "Shutdown"), checked
// against the real binary over loopback with the built-in carrier simulator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "support/hex.hpp"

namespace {

using namespace smppd;
using namespace smppd::testing;
using namespace std::chrono_literals;
using smpp::command_id;
using smpp::command_status;
using steady = std::chrono::steady_clock;
using test_support::to_hex;

// Destinations: 4512... DELIVRD at once, 4599... UNDELIV 0x107E, 4588... DELIVRD after an
// ENROUTE report, 4577... DELIVRD after 2 s.
const std::string simulator_config = R"(
[simulator]
default_status = "DELIVRD"
default_delay_ms = 0
[[simulator.rule]]
prefix = "4599"
status = "UNDELIV"
error = 0x107E
delay_ms = 0
[[simulator.rule]]
prefix = "4588"
status = "DELIVRD"
delay_ms = 1000
enroute_first = true
[[simulator.rule]]
prefix = "4577"
status = "DELIVRD"
delay_ms = 2000
)";

std::uint64_t number(const std::string& id) { return std::stoull(id); }

class receipts_test : public ::testing::Test {
 protected:
  void start(const std::string& smpp_extra = "", const std::string& tail = simulator_config) {
    dir.write_config(smpp_extra, tail);
    add_account("acme", "secret");
    add_account("other", "secret");
    server.emplace(dir);
    ASSERT_NE(server->port(), 0) << server->log();
  }
  void restart() {
    server.emplace(dir);
    ASSERT_NE(server->port(), 0) << server->log();
  }
  void add_account(const std::string& name, const std::string& password,
                   const std::vector<std::string>& extra = {}) {
    const auto r = smppd::testing::add_account(dir, name, password, extra);
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  std::unique_ptr<raw_client> bound(command_id kind, const std::string& account = "acme") {
    auto c = std::make_unique<raw_client>(server->port());
    EXPECT_TRUE(c->connected());
    EXPECT_EQ(c->bind(kind, account, "secret"), command_status::esme_rok);
    return c;
  }
  // Submits and returns the message_id of an ESME_ROK answer (the test fails otherwise).
  std::string submit(raw_client& c, const std::string& destination,
                     std::uint8_t registered_delivery,
                     const std::function<void(smpp::submit_sm&)>& adjust = {}) {
    auto s = make_submit(destination, "receipt test");
    s.registered_delivery = registered_delivery;
    if (adjust) adjust(s);
    const auto sequence = c.next_sequence();
    c.send(smpp::make_pdu(s, sequence));
    const auto resp = c.expect_response(10s);
    EXPECT_EQ(resp.command_id(), command_id::submit_sm_resp);
    EXPECT_EQ(resp.sequence_number, sequence);
    EXPECT_EQ(resp.command_status, command_status::esme_rok);
    return message_id_of(resp);
  }
  // Reads `c` for `span` acknowledging nothing; fails on any deliver_sm.
  void expect_no_receipt(raw_client& c, std::chrono::milliseconds span, const std::string& why) {
    std::vector<smpp::pdu> seen;
    pump(c, steady::now() + span, seen, command_status::esme_rok);
    for (const auto& p : seen) ADD_FAILURE() << why << ": " << describe(p);
  }

  scratch_dir dir;
  std::optional<server_process> server;
};

// 1. The receipt's PDU and text, field by field.
TEST_F(receipts_test, a_delivered_message_gets_the_contracts_receipt) {
  start();
  auto trx = bound(command_id::bind_transceiver);
  const auto before = std::chrono::system_clock::now();
  const std::string id = submit(*trx, "4512345678", 1, [](smpp::submit_sm& s) {
    s.dest_addr_ton = 0;  // treated as 1, and echoed as 1 in the receipt
    s.dest_addr_npi = 1;
    s.tlvs.set(smpp::tlv_tag::user_message_reference, std::vector<std::uint8_t>{0x12, 0x34});
  });
  ASSERT_FALSE(id.empty());
  std::vector<smpp::pdu> seen;
  pump(*trx, steady::now() + 10s, seen, command_status::esme_rok, [&] { return !seen.empty(); });
  const auto after = std::chrono::system_clock::now();
  ASSERT_EQ(seen.size(), 1u) << "no receipt for " << id;
  const auto& p = seen.front();
  SCOPED_TRACE(describe(p));
  const auto* d = p.get_if<smpp::deliver_sm>();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(p.command_status, command_status::esme_rok);
  EXPECT_EQ(d->esm_class, 0x04);
  EXPECT_EQ(d->data_coding, 0);
  EXPECT_EQ(d->source_addr_ton, 1);
  EXPECT_EQ(d->source_addr.view(), "4512345678");
  EXPECT_EQ(d->dest_addr_ton, 5);
  EXPECT_EQ(d->destination_addr.view(), "smppd");

  static const std::regex format(
      "id:([0-9]+) sub:001 dlvrd:001 submit date:([0-9]{10}) done date:([0-9]{10}) "
      "stat:DELIVRD err:000 text:4660");
  std::smatch m;
  const std::string text = text_of(p);
  ASSERT_TRUE(std::regex_match(text, m, format)) << text;
  EXPECT_EQ(m[1].str(), id);
  EXPECT_TRUE(utc_minute_between(m[2].str(), before, after)) << "submit date " << m[2].str();
  EXPECT_TRUE(utc_minute_between(m[3].str(), before, after)) << "done date " << m[3].str();

  EXPECT_EQ(receipted_id(p), id);
  const auto raw_id = d->tlvs.find(smpp::tlv_tag::receipted_message_id);
  ASSERT_TRUE(raw_id);
  EXPECT_EQ(raw_id->value.size(), id.size() + 1) << "a C-octet string ends with one NUL";
  EXPECT_EQ(d->tlvs.get_u8(smpp::tlv_tag::message_state), 2);
  const auto reference = d->tlvs.find(smpp::tlv_tag::user_message_reference);
  ASSERT_TRUE(reference);
  EXPECT_EQ(to_hex(reference->value), "1234");
  EXPECT_FALSE(d->tlvs.contains(smpp::tlv_tag::network_error_code));
  EXPECT_EQ(d->tlvs.count(), 3u);
}

// 2. A failed delivery: stat, err, dlvrd, message_state and network_error_code.
TEST_F(receipts_test, an_undelivered_message_reports_the_error_code) {
  start();
  auto trx = bound(command_id::bind_transceiver);
  const std::string id = submit(*trx, "4599000001", 1);
  std::vector<smpp::pdu> seen;
  pump(*trx, steady::now() + 10s, seen, command_status::esme_rok, [&] { return !seen.empty(); });
  ASSERT_EQ(seen.size(), 1u);
  const auto& p = seen.front();
  SCOPED_TRACE(describe(p));
  const auto* d = p.get_if<smpp::deliver_sm>();
  ASSERT_NE(d, nullptr);
  static const std::regex format(
      "id:([0-9]+) sub:001 dlvrd:000 submit date:[0-9]{10} done date:[0-9]{10} "
      "stat:UNDELIV err:126 text:");
  std::smatch m;
  const std::string text = text_of(p);
  ASSERT_TRUE(std::regex_match(text, m, format)) << text;
  EXPECT_EQ(m[1].str(), id);
  EXPECT_EQ(receipted_id(p), id);
  EXPECT_EQ(d->tlvs.get_u8(smpp::tlv_tag::message_state), 5);
  const auto network_error = d->tlvs.find(smpp::tlv_tag::network_error_code);
  ASSERT_TRUE(network_error);
  // Network type 3 (GSM), then the error code (0x107E & 0xFFF = 126) in two octets.
  EXPECT_EQ(to_hex(network_error->value), "03007e");
  EXPECT_FALSE(d->tlvs.contains(smpp::tlv_tag::user_message_reference));
}

// 3. registered_delivery: 0 none, 2 failures only, 0x10 adds ENROUTE.
TEST_F(receipts_test, registered_delivery_selects_which_receipts_are_sent) {
  start();
  auto rx = bound(command_id::bind_receiver);
  auto tx = bound(command_id::bind_transmitter);
  const std::string none_ok = submit(*tx, "4512000001", 0);
  const std::string none_fail = submit(*tx, "4599000001", 0);
  const std::string failure_only_ok = submit(*tx, "4512000002", 2);
  const std::string failure_only_fail = submit(*tx, "4599000002", 2);
  const std::string with_enroute = submit(*tx, "4588000001", 0x11);
  const std::string final_only = submit(*tx, "4588000002", 1);
  std::vector<smpp::pdu> seen;
  // The 4588 verdicts come 1 s after hand-over; wait well past them.
  pump(*rx, steady::now() + 4s, seen);
  std::map<std::string, std::vector<const smpp::pdu*>> by_id;
  for (const auto& p : seen) by_id[receipted_id(p)].push_back(&p);
  std::string all;
  for (const auto& p : seen) all += describe(p) + "\n";
  SCOPED_TRACE(all);

  EXPECT_EQ(by_id.count(none_ok), 0u) << "registered_delivery 0, DELIVRD";
  EXPECT_EQ(by_id.count(none_fail), 0u) << "registered_delivery 0, UNDELIV";
  EXPECT_EQ(by_id.count(failure_only_ok), 0u) << "registered_delivery 2, DELIVRD";
  ASSERT_EQ(by_id[failure_only_fail].size(), 1u) << "registered_delivery 2, UNDELIV";
  EXPECT_NE(text_of(*by_id[failure_only_fail][0]).find("stat:UNDELIV"), std::string::npos);

  const auto& enroute = by_id[with_enroute];
  ASSERT_EQ(enroute.size(), 2u) << "registered_delivery 0x11 with enroute_first";
  const auto* first = enroute[0]->get_if<smpp::deliver_sm>();
  const auto* second = enroute[1]->get_if<smpp::deliver_sm>();
  EXPECT_EQ(first->tlvs.get_u8(smpp::tlv_tag::message_state), 1);
  EXPECT_NE(text_of(*enroute[0]).find("dlvrd:000"), std::string::npos) << text_of(*enroute[0]);
  EXPECT_NE(text_of(*enroute[0]).find("stat:ENROUTE err:000"), std::string::npos)
      << text_of(*enroute[0]);
  EXPECT_EQ(first->esm_class, 0x04);
  // The verdict comes a second after the ENROUTE report, so it arrives second.
  EXPECT_EQ(second->tlvs.get_u8(smpp::tlv_tag::message_state), 2);
  EXPECT_NE(text_of(*enroute[1]).find("dlvrd:001"), std::string::npos) << text_of(*enroute[1]);
  EXPECT_NE(text_of(*enroute[1]).find("stat:DELIVRD"), std::string::npos) << text_of(*enroute[1]);

  const auto& final_receipts = by_id[final_only];
  ASSERT_EQ(final_receipts.size(), 1u) << "registered_delivery 1 with enroute_first";
  EXPECT_EQ(
      final_receipts[0]->get_if<smpp::deliver_sm>()->tlvs.get_u8(smpp::tlv_tag::message_state), 2);
  EXPECT_EQ(seen.size(), 4u);
}

// 4. Who gets the receipt: never a transmitter, a receiver bound later, never another account.
TEST_F(receipts_test, receipts_go_only_to_receivers_of_the_submitting_account) {
  start();
  auto stranger = bound(command_id::bind_receiver, "other");
  auto stranger_trx = bound(command_id::bind_transceiver, "other");
  auto tx = bound(command_id::bind_transmitter);
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(submit(*tx, "451200000" + std::to_string(i), 1));
  ASSERT_EQ(ids.size(), 3u);
  // The simulator answers at once; the receipts wait for a receiver of acme.
  expect_no_receipt(*tx, 1500ms, "a transmitter got a receipt");

  auto rx = bound(command_id::bind_receiver);
  std::vector<smpp::pdu> seen;
  pump(*rx, steady::now() + 10s, seen, command_status::esme_rok,
       [&] { return ids_of(seen) == ids; });
  EXPECT_EQ(ids_of(seen), ids);
  // And a later one while the receiver is bound goes there too, not to the transmitter.
  const std::string later = submit(*tx, "4512000009", 1);
  pump(*rx, steady::now() + 10s, seen, command_status::esme_rok,
       [&] { return ids_of(seen).count(later) != 0; });
  EXPECT_EQ(ids_of(seen).count(later), 1u);
  expect_no_receipt(*tx, 500ms, "a transmitter got a receipt");
  expect_no_receipt(*stranger, 500ms, "another account's receiver got a receipt");
  expect_no_receipt(*stranger_trx, 500ms, "another account's transceiver got a receipt");
}

// 5. The window per session, and the spread over an account's sessions.
TEST_F(receipts_test, receipts_spread_over_sessions_within_the_window) {
  start("window = 10");
  auto a = bound(command_id::bind_receiver);
  auto b = bound(command_id::bind_receiver);
  auto tx = bound(command_id::bind_transmitter);
  std::set<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.insert(submit(*tx, "4512" + std::to_string(100000 + i), 1));
  ASSERT_EQ(ids.size(), 40u);
  std::vector<smpp::pdu> seen_a;
  std::vector<smpp::pdu> seen_b;
  {
    const auto deadline = steady::now() + 3s;
    std::thread reader_b([&] { pump(*b, deadline, seen_b, std::nullopt); });
    pump(*a, deadline, seen_a, std::nullopt);
    reader_b.join();
  }
  EXPECT_LE(seen_a.size(), 10u);
  EXPECT_LE(seen_b.size(), 10u);
  EXPECT_GT(seen_a.size(), 0u);
  EXPECT_GT(seen_b.size(), 0u);
  EXPECT_EQ(seen_a.size() + seen_b.size(), 20u);
  std::set<std::string> in_flight = ids_of(seen_a);
  for (const auto& id : ids_of(seen_b))
    EXPECT_TRUE(in_flight.insert(id).second) << "on both: " << id;
  EXPECT_EQ(in_flight.size(), seen_a.size() + seen_b.size());
  for (const auto& id : in_flight) EXPECT_EQ(ids.count(id), 1u) << id;

  // Acknowledge a's: it now has the fewest unacknowledged, so the next ones go to a, up to
  // its window again; b, still full, gets nothing.
  for (const auto& p : seen_a) a->send(smpp::make_pdu(smpp::deliver_sm_resp{}, p.sequence_number));
  const std::size_t a_before = seen_a.size();
  const std::size_t b_before = seen_b.size();
  {
    const auto deadline = steady::now() + 3s;
    std::thread reader_b([&] { pump(*b, deadline, seen_b, std::nullopt); });
    pump(*a, deadline, seen_a, std::nullopt);
    reader_b.join();
  }
  EXPECT_EQ(seen_a.size() - a_before, 10u);
  EXPECT_EQ(seen_b.size(), b_before);
}

// 6. Unacknowledged receipts are sent again: after the session ends, and after an error ack.
TEST_F(receipts_test, unacknowledged_receipts_are_sent_again) {
  start();
  auto tx = bound(command_id::bind_transmitter);
  std::set<std::string> ids;
  {
    auto first = bound(command_id::bind_receiver);
    for (int i = 0; i < 5; ++i) ids.insert(submit(*tx, "451200010" + std::to_string(i), 1));
    std::vector<smpp::pdu> seen;
    pump(*first, steady::now() + 10s, seen, std::nullopt, [&] { return ids_of(seen) == ids; });
    ASSERT_EQ(ids_of(seen), ids);
  }  // closed without a single deliver_sm_resp
  auto second = bound(command_id::bind_receiver);
  std::vector<smpp::pdu> again;
  pump(*second, steady::now() + 10s, again, command_status::esme_rok,
       [&] { return ids_of(again) == ids; });
  EXPECT_EQ(ids_of(again), ids) << "the receipts in flight on the closed session";

  // An error ack puts the receipt back; it comes again on the same (only) session.
  const std::string id = submit(*tx, "4512000200", 1);
  std::vector<smpp::pdu> refused;
  pump(*second, steady::now() + 10s, refused, command_status::esme_rsyserr,
       [&] { return ids_of(refused).count(id) != 0; });
  ASSERT_EQ(ids_of(refused).count(id), 1u);
  const auto refused_at = steady::now();
  std::vector<smpp::pdu> retried;
  pump(*second, steady::now() + 6s, retried, command_status::esme_rok,
       [&] { return ids_of(retried).count(id) != 0; });
  EXPECT_EQ(ids_of(retried).count(id), 1u) << "no retry after ESME_RSYSERR";
  EXPECT_GE(steady::now() - refused_at, 500ms) << "retried at once, not after ~1 s";
  // Acknowledged now: nothing comes again.
  std::vector<smpp::pdu> later;
  pump(*second, steady::now() + 3s, later);
  for (const auto& p : later)
    ADD_FAILURE() << "an acknowledged receipt came again: " << describe(p);
}

// 6b. "A receipt in flight on a session that ends is sent again at once on another bound
// session": the other receiver is already bound.
TEST_F(receipts_test, receipts_in_flight_on_an_ended_session_move_to_another_bound_session) {
  start();
  auto staying = bound(command_id::bind_receiver);
  auto tx = bound(command_id::bind_transmitter);
  std::set<std::string> ids;
  std::vector<smpp::pdu> on_staying;
  std::set<std::string> on_leaving;
  {
    auto leaving = bound(command_id::bind_receiver);
    for (int i = 0; i < 6; ++i) ids.insert(submit(*tx, "451200080" + std::to_string(i), 1));
    ASSERT_EQ(ids.size(), 6u);
    std::vector<smpp::pdu> seen;
    const auto deadline = steady::now() + 2s;
    std::thread reader([&] { pump(*staying, deadline, on_staying, command_status::esme_rok); });
    pump(*leaving, deadline, seen, std::nullopt);
    reader.join();
    on_leaving = ids_of(seen);
    ASSERT_FALSE(on_leaving.empty()) << "the spread left one receiver without receipts";
  }  // ends with its receipts unacknowledged
  const auto ended_at = steady::now();
  pump(*staying, steady::now() + 5s, on_staying, command_status::esme_rok,
       [&] { return ids_of(on_staying) == ids; });
  EXPECT_EQ(ids_of(on_staying), ids);
  EXPECT_LT(steady::now() - ended_at, 3s) << "not sent again at once";
}

// 7. SIGTERM: receipts in flight, queued and not yet decided all survive; ids keep growing.
TEST_F(receipts_test, receipts_survive_a_sigterm_restart) {
  start();
  std::set<std::string> ids;
  std::uint64_t highest = 0;
  {
    auto tx = bound(command_id::bind_transmitter);
    // Decided at once, queued with no receiver bound.
    for (int i = 0; i < 3; ++i) ids.insert(submit(*tx, "451200030" + std::to_string(i), 1));
    // Decided 2 s after hand-over: still with the carrier at shutdown.
    for (int i = 0; i < 3; ++i) ids.insert(submit(*tx, "457700030" + std::to_string(i), 1));
    auto rx = bound(command_id::bind_receiver);
    // In flight on a session that never acknowledges them.
    for (int i = 0; i < 3; ++i) ids.insert(submit(*tx, "451200040" + std::to_string(i), 1));
    ASSERT_EQ(ids.size(), 9u);
    for (const auto& id : ids) highest = std::max(highest, number(id));
    std::vector<smpp::pdu> unacked;
    pump(*rx, steady::now() + 1s, unacked, std::nullopt);
    // Both clients answer the server's unbind while it shuts down.
    std::thread rx_reader([&] { pump(*rx, steady::now() + 8s, unacked, std::nullopt); });
    std::vector<smpp::pdu> none;
    std::thread tx_reader([&] { pump(*tx, steady::now() + 8s, none, std::nullopt); });
    EXPECT_EQ(server->terminate(), 0) << server->log();
    rx_reader.join();
    tx_reader.join();
    EXPECT_FALSE(unacked.empty()) << "the receiver got nothing before the shutdown";
  }
  restart();
  auto rx = bound(command_id::bind_receiver);
  std::vector<smpp::pdu> seen;
  pump(*rx, steady::now() + 15s, seen, command_status::esme_rok, [&] {
    const auto got = ids_of(seen);
    return std::includes(got.begin(), got.end(), ids.begin(), ids.end());
  });
  const auto got = ids_of(seen);
  for (const auto& id : ids)
    EXPECT_EQ(got.count(id), 1u) << "no receipt after the restart for " << id;

  auto tx = bound(command_id::bind_transmitter);
  for (int i = 0; i < 20; ++i) {
    const std::string id = submit(*tx, "4512000500", 0);
    EXPECT_GT(number(id), highest) << id << " after a restart, not above " << highest;
    EXPECT_EQ(ids.count(id), 0u);
  }
}

// 8. The fault test: SIGKILL mid-stream; every ESME_ROK message still gets its receipt.
TEST_F(receipts_test, a_sigkill_under_load_loses_no_acknowledged_receipt) {
  start();
  constexpr int total = 2000;
  constexpr int pipeline = 50;
  constexpr int kill_after = 1000;
  std::set<std::string> ok_ids;
  std::uint64_t highest = 0;
  int non_ok = 0;
  bool killed = false;
  {
    auto tx = bound(command_id::bind_transmitter);
    int sent = 0;
    int outstanding = 0;
    bool closed = false;
    while (!closed) {
      while (!killed && sent < total && outstanding < pipeline) {
        // Half decided at once, half still with the carrier (2 s) when the server dies.
        const std::string destination =
            (sent % 2 == 0 ? "4512" : "4577") + std::to_string(100000 + sent);
        auto s = make_submit(destination, "load " + std::to_string(sent));
        s.registered_delivery = 1;
        tx->send(smpp::make_pdu(s, tx->next_sequence()));
        ++sent;
        ++outstanding;
      }
      if (outstanding == 0 && !killed) break;  // all answered before the kill (too fast?)
      smpp::pdu p;
      const auto outcome = tx->read(p, 10s);
      if (outcome != read_outcome::pdu) {
        closed = true;
        break;
      }
      if (p.command_id() == command_id::enquire_link) {
        tx->send(smpp::make_pdu(smpp::enquire_link_resp{}, p.sequence_number));
        continue;
      }
      ASSERT_EQ(p.command_id(), command_id::submit_sm_resp) << describe(p);
      --outstanding;
      if (p.command_status == command_status::esme_rok) {
        const std::string id = message_id_of(p);
        ok_ids.insert(id);
        highest = std::max(highest, number(id));
      } else {
        ++non_ok;
      }
      if (!killed && static_cast<int>(ok_ids.size()) >= kill_after) {
        // Responses already in our socket buffer were sent before the crash: they count too.
        EXPECT_EQ(server->kill(), 128 + 9);
        killed = true;
      }
    }
    ASSERT_TRUE(killed) << "all " << sent << " answered before the kill point";
    EXPECT_EQ(non_ok, 0);
  }
  ASSERT_GE(ok_ids.size(), static_cast<std::size_t>(kill_after));
  std::printf("[   INFO   ] %zu submits acknowledged with ESME_ROK before the SIGKILL\n",
              ok_ids.size());
  restart();
  auto rx = bound(command_id::bind_receiver);
  std::vector<smpp::pdu> seen;
  std::set<std::string> receipted;
  std::size_t counted = 0;
  pump(*rx, steady::now() + 60s, seen, command_status::esme_rok, [&] {
    for (; counted < seen.size(); ++counted) receipted.insert(receipted_id(seen[counted]));
    return std::includes(receipted.begin(), receipted.end(), ok_ids.begin(), ok_ids.end());
  });
  std::size_t missing = 0;
  std::string examples;
  for (const auto& id : ok_ids) {
    if (receipted.count(id) == 0) {
      if (++missing <= 5) examples += " " + id;
    }
  }
  std::printf("[   INFO   ] after the restart: %zu receipts, %zu distinct, %zu missing\n",
              seen.size(), receipted.size(), missing);
  EXPECT_EQ(missing, 0u) << ok_ids.size() << " acknowledged with ESME_ROK, " << seen.size()
                         << " receipts received (" << receipted.size() << " distinct), " << missing
                         << " acknowledged messages without a receipt, e.g." << examples;

  auto tx = bound(command_id::bind_transmitter);
  for (int i = 0; i < 20; ++i) {
    const std::string id = submit(*tx, "4512000600", 0);
    EXPECT_GT(number(id), highest) << id << " after the crash, not above " << highest;
  }
}

// 9. Odd answers from the client leave the session usable.
TEST_F(receipts_test, stray_responses_and_generic_nack_do_not_break_the_session) {
  start();
  auto trx = bound(command_id::bind_transceiver);
  trx->send(smpp::make_pdu(smpp::deliver_sm_resp{}, 0x7FFF0001));
  trx->send(smpp::make_pdu(smpp::generic_nack{}, 0x7FFF0002, command_status::esme_rinvcmdid));
  std::vector<smpp::pdu> again;  // receipts that arrive while waiting for enquire_link_resp
  const auto enquire = [&](std::uint32_t sequence) {
    trx->send(smpp::make_pdu(smpp::enquire_link{}, sequence));
    for (;;) {
      const auto resp = trx->expect_response(5s);
      if (resp.command_id() == command_id::deliver_sm) {
        trx->send(smpp::make_pdu(smpp::deliver_sm_resp{}, resp.sequence_number));
        again.push_back(resp);
        continue;
      }
      EXPECT_EQ(resp.command_id(), command_id::enquire_link_resp) << describe(resp);
      EXPECT_EQ(resp.sequence_number, sequence);
      return;
    }
  };
  enquire(0x7FFF0003);
  ASSERT_TRUE(again.empty());

  // A receipt answered with generic_nack stays unacknowledged: it comes again.
  const std::string id = submit(*trx, "4512000700", 1);
  std::vector<smpp::pdu> seen;
  pump(*trx, steady::now() + 10s, seen, std::nullopt, [&] { return !seen.empty(); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(receipted_id(seen[0]), id);
  trx->send(smpp::make_pdu(smpp::generic_nack{}, seen[0].sequence_number,
                           command_status::esme_rinvcmdid));
  enquire(0x7FFF0004);
  // A second, late answer to the same deliver_sm is unknown by now: ignored.
  trx->send(smpp::make_pdu(smpp::deliver_sm_resp{}, seen[0].sequence_number));
  enquire(0x7FFF0005);
  pump(*trx, steady::now() + 8s, again, command_status::esme_rok, [&] { return !again.empty(); });
  ASSERT_EQ(again.size(), 1u) << "the generic_nacked receipt did not come again";
  EXPECT_EQ(receipted_id(again[0]), id);
  EXPECT_EQ(trx->submit("4512000701", "still bound").command_status, command_status::esme_rok);
  EXPECT_TRUE(server->running());
}

}  // namespace

namespace {

// validity_period passes while the carrier still holds the message: an EXPIRED receipt at
// the validity time, not the carrier's later verdict.
TEST_F(receipts_test, a_message_still_undelivered_at_its_validity_gets_an_expired_receipt) {
  start();
  auto trx = bound(command_id::bind_transceiver);
  const auto submitted = steady::now();
  const std::string id = submit(*trx, "4577000001", 1, [](smpp::submit_sm& s) {
    s.validity_period.assign("000000000001000R");  // relative: 1 second
  });
  std::vector<smpp::pdu> seen;
  pump(*trx, steady::now() + 10s, seen, command_status::esme_rok, [&] { return !seen.empty(); });
  const auto waited = steady::now() - submitted;
  ASSERT_EQ(seen.size(), 1u) << "no receipt for " << id;
  SCOPED_TRACE(describe(seen.front()));
  const std::string text = text_of(seen.front());
  EXPECT_NE(text.find("id:" + id + " sub:001 dlvrd:000 "), std::string::npos) << text;
  EXPECT_NE(text.find(" stat:EXPIRED err:000 text:"), std::string::npos) << text;
  EXPECT_EQ(seen.front().get_if<smpp::deliver_sm>()->tlvs.get_u8(smpp::tlv_tag::message_state), 3);
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 1900ms) << "the carrier's own verdict (2 s) came first";
  // Nothing more for it: the carrier's late DELIVRD is not reported.
  expect_no_receipt(*trx, 1500ms, "a second receipt after EXPIRED");
}

// schedule_delivery_time holds the message back from the carrier until its time.
TEST_F(receipts_test, a_scheduled_message_goes_to_the_carrier_at_its_time) {
  start();
  auto trx = bound(command_id::bind_transceiver);
  const auto submitted = steady::now();
  const std::string id = submit(*trx, "4512345678", 1, [](smpp::submit_sm& s) {
    s.schedule_delivery_time.assign("000000000002000R");  // relative: 2 seconds
  });
  std::vector<smpp::pdu> seen;
  pump(*trx, steady::now() + 10s, seen, command_status::esme_rok, [&] { return !seen.empty(); });
  const auto waited = steady::now() - submitted;
  ASSERT_EQ(seen.size(), 1u) << "no receipt for " << id;
  EXPECT_NE(text_of(seen.front()).find(" stat:DELIVRD "), std::string::npos)
      << text_of(seen.front());
  EXPECT_GE(waited, 1800ms) << "delivered before its schedule_delivery_time";
}

}  // namespace

namespace {

// max_pending_per_account: beyond it the oldest unacknowledged receipts are dropped, logged
// and counted; the newest are kept (and survive a restart like any other).
TEST_F(receipts_test, beyond_max_pending_the_oldest_receipts_are_dropped_and_logged) {
  start("", simulator_config + "[dlr]\nmax_pending_per_account = 5\nretention_h = 48\n");
  auto tx = bound(command_id::bind_transmitter);
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(submit(*tx, "4512345678", 1));
  std::this_thread::sleep_for(1s);  // every verdict recorded, no receiver yet

  auto rx = bound(command_id::bind_receiver);
  std::vector<smpp::pdu> seen;
  pump(*rx, steady::now() + 3s, seen);
  const auto got = ids_of(seen);
  const std::set<std::string> newest(ids.end() - 5, ids.end());
  EXPECT_EQ(got, newest) << "kept receipts are not the 5 newest";
  // One line for the account with the count, at the end of its interval (10 s) or, as
  // here, at shutdown.
  EXPECT_EQ(server->terminate(), 0);
  const auto log = server->log();
  EXPECT_NE(log.find("account acme: 7 unacknowledged receipts dropped"), std::string::npos) << log;
  EXPECT_EQ(log.find("dropped"), log.rfind("dropped")) << "more than one line:\n" << log;
}

}  // namespace
