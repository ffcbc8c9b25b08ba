// The contract's carriers, routes and MO ("Carriers (upstream SMSCs), routes and MO"),
// checked end to end: a customer ESME -> smppd -> a second `smppd serve` as the upstream
// SMSC (its simulator decides each message's fate) -> receipts back to the customer.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <thread>

#include "harness.hpp"
#include "support/committed_store.hpp"

namespace {

using namespace smppd;
using namespace smppd::testing;
using namespace std::chrono_literals;
using smpp::command_id;
using smpp::command_status;
using steady = std::chrono::steady_clock;

// The upstream's simulator: 4599... UNDELIV 0x1060 (err:096), 4577... stays with it for an
// hour (to read what it received from its store), the rest DELIVRD at once.
const std::string upstream_simulator = R"(
[simulator]
default_status = "DELIVRD"
default_delay_ms = 0
[[simulator.rule]]
prefix = "4599"
status = "UNDELIV"
error = 0x1060
[[simulator.rule]]
prefix = "4577"
status = "DELIVRD"
delay_ms = 3600000
)";

std::string carrier_block(const std::string& name, const std::vector<std::uint16_t>& ports,
                          const std::string& extra = "") {
  std::string hosts;
  for (auto p : ports) {
    if (!hosts.empty()) hosts += ", ";
    hosts += "\"127.0.0.1:" + std::to_string(p) + "\"";
  }
  return "[[carrier]]\nname = \"" + name + "\"\nhosts = [" + hosts +
         "]\nsystem_id = \"gw\"\npassword = \"secret\"\nreconnect_delay_s = 1\n" + extra + "\n";
}

std::string field(const std::string& text, const std::string& key) {
  const std::regex re(key + ":([^ ]*)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

class carriers_test : public ::testing::Test {
 protected:
  void start_upstream(const std::string& simulator = upstream_simulator) {
    upstream_dir.write_config("", simulator);
    ASSERT_EQ(add_account(upstream_dir, "gw", "secret").exit_status, 0);
    upstream.emplace(upstream_dir);
    ASSERT_NE(upstream->port(), 0) << upstream->log();
  }
  void start_gateway(const std::string& tail) {
    dir.write_config("", tail);
    ASSERT_EQ(add_account(dir, "acme", "secret").exit_status, 0);
    gateway.emplace(dir);
    ASSERT_NE(gateway->port(), 0) << gateway->log();
  }
  // Waits for the gateway's log to say a carrier session bound.
  void wait_carrier_bound(const std::string& name) {
    const auto deadline = steady::now() + 20s;
    while (steady::now() < deadline) {
      if (gateway->log().find("carrier " + name + ": transceiver session 0 bound") !=
          std::string::npos)
        return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "carrier " << name << " never bound:\n" << gateway->log();
  }
  std::unique_ptr<raw_client> customer() {
    auto c = std::make_unique<raw_client>(gateway->port());
    EXPECT_EQ(c->bind(command_id::bind_transceiver, "acme", "secret"), command_status::esme_rok);
    return c;
  }
  smpp::pdu submit(raw_client& c, const smpp::submit_sm& s) {
    const auto sequence = c.next_sequence();
    c.send(smpp::make_pdu(s, sequence));
    auto resp = c.expect_response(10s);
    EXPECT_EQ(resp.sequence_number, sequence);
    return resp;
  }
  // Receipts until `n` arrived or 20 s passed, by our message id.
  std::map<std::string, std::string> receipts(raw_client& c, std::size_t n) {
    std::vector<smpp::pdu> seen;
    pump(c, steady::now() + 20s, seen, command_status::esme_rok, [&] { return seen.size() >= n; });
    std::map<std::string, std::string> out;
    for (const auto& p : seen) out[receipted_id(p)] = text_of(p);
    return out;
  }

  scratch_dir upstream_dir;
  scratch_dir dir;
  std::optional<server_process> upstream;
  std::optional<server_process> gateway;
};

TEST_F(carriers_test, receipts_come_back_from_an_upstream_smppd_with_our_ids) {
  start_upstream();
  start_gateway(carrier_block("up", {upstream->port()}) + "[[route]]\ncarriers = [\"up\"]\n");
  wait_carrier_bound("up");
  auto c = customer();
  auto delivered = make_submit("4512345678", "through the carrier");
  delivered.registered_delivery = 1;
  auto failed = make_submit("4599000001", "to fail");
  failed.registered_delivery = 1;
  const auto id_delivered = message_id_of(submit(*c, delivered));
  const auto id_failed = message_id_of(submit(*c, failed));
  ASSERT_FALSE(id_delivered.empty());
  ASSERT_FALSE(id_failed.empty());
  const auto got = receipts(*c, 2);
  ASSERT_EQ(got.size(), 2u) << gateway->log();
  ASSERT_TRUE(got.contains(id_delivered)) << gateway->log();
  ASSERT_TRUE(got.contains(id_failed)) << gateway->log();
  EXPECT_EQ(field(got.at(id_delivered), "id"), id_delivered);
  EXPECT_EQ(field(got.at(id_delivered), "stat"), "DELIVRD");
  EXPECT_EQ(field(got.at(id_delivered), "err"), "000");
  EXPECT_EQ(field(got.at(id_failed), "id"), id_failed);
  EXPECT_EQ(field(got.at(id_failed), "stat"), "UNDELIV");
  EXPECT_EQ(field(got.at(id_failed), "err"), "096") << got.at(id_failed);
}

TEST_F(carriers_test, a_destination_no_route_matches_is_refused_at_submit) {
  start_upstream();
  start_gateway(carrier_block("up", {upstream->port()}) +
                "[[route]]\nprefixes = [\"45\"]\ncarriers = [\"up\"]\n");
  auto c = customer();
  const auto resp = submit(*c, make_submit("4612345678", "nowhere"));
  EXPECT_EQ(resp.command_status, command_status::esme_rinvdstadr);
}

TEST_F(carriers_test, fields_arrive_upstream_as_accepted) {
  start_upstream();
  start_gateway(carrier_block("up", {upstream->port()}) + "[[route]]\ncarriers = [\"up\"]\n");
  wait_carrier_bound("up");
  auto c = customer();
  auto s = make_submit("4577000001", "");
  s.data_coding = 8;
  const std::vector<std::uint8_t> ucs2{0x04, 0x1F, 0x04, 0x40, 0x04, 0x38};  // "При"
  s.short_message.assign(ucs2);
  s.priority_flag = 2;
  s.tlvs.set(smpp::tlv_tag::user_message_reference, std::vector<std::uint8_t>{0x00, 0x07});
  s.tlvs.set_string(static_cast<smpp::tlv_tag>(0x2900), "premium");
  ASSERT_EQ(submit(*c, s).command_status, command_status::esme_rok);
  // The upstream keeps it for an hour: read what it stored.
  std::vector<core::message_record> stored;
  const auto deadline = steady::now() + 20s;
  while (stored.empty() && steady::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    stored = test_support::committed_messages(upstream_dir.path() / "var" / "smppd.db");
  }
  ASSERT_EQ(stored.size(), 1u) << gateway->log();
  const auto& m = stored.front();
  EXPECT_EQ(m.system_id, "gw");
  EXPECT_EQ(m.destination_addr, "4577000001");
  EXPECT_EQ(m.dest_addr_ton, 1);
  EXPECT_EQ(m.dest_addr_npi, 1);
  EXPECT_EQ(m.data_coding, 8);
  EXPECT_EQ(m.payload, ucs2);
  EXPECT_EQ(m.priority, 2);
  EXPECT_EQ(m.registered_delivery, 1);
  EXPECT_TRUE(m.user_message_reference.empty()) << "0x0204 is not sent upstream";
  EXPECT_TRUE(m.message_class.empty()) << "0x2900 is not sent upstream";
}

}  // namespace
