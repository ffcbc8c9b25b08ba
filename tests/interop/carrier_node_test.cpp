// smppd's carrier side against an upstream SMSC written on node-smpp's server API
// (node/upstream_smsc.js, npm smpp 0.5.1): hex ids in submit_sm_resp and decimal ids with
// leading zeros in the receipts, Appendix B fields reordered, a receipt before its
// submit_sm_resp, TLVs that contradict the text, a permanent rejection, and MO (a GSM text
// and a concatenated UCS-2 message) to a customer bound to smppd.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "harness.hpp"
#include "support.hpp"

namespace smppd::interop {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using smpp::command_id;
using smpp::command_status;
using steady = std::chrono::steady_clock;

std::string field(const std::string& text, const std::string& key) {
  const std::regex re(key + ":([^ ]*)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

TEST(carrier_node, receipts_and_mo_through_a_node_smpp_smsc) {
  ASSERT_TRUE(have_program("node")) << "node is not on PATH: run scripts/bootstrap";
  test_support::spawn_options spawn;
  spawn.argv = {"node", source_dir() + "/tests/interop/node/upstream_smsc.js"};
  spawn.pipe_stdout = true;
  test_support::child_process smsc(spawn);
  std::vector<json> events;
  const auto first = smsc.read_line(10s);
  ASSERT_TRUE(first) << "the node SMSC did not start";
  const auto port = json::parse(*first).at("port").get<std::uint16_t>();

  testing::scratch_dir dir;
  dir.write_config("",
                   "[[carrier]]\nname = \"node\"\nhosts = [\"127.0.0.1:" + std::to_string(port) +
                       "\"]\nsystem_id = \"gw\"\npassword = \"secret\"\n"
                       "reconnect_delay_s = 1\n[[route]]\ncarriers = [\"node\"]\n"
                       "[[mo_route]]\nprefixes = [\"4512345\"]\naccount = \"acme\"\n");
  ASSERT_EQ(testing::add_account(dir, "acme", "secret").exit_status, 0);
  testing::server_process gateway(dir);
  ASSERT_NE(gateway.port(), 0) << gateway.log();
  const auto deadline = steady::now() + 20s;
  while (gateway.log().find("carrier node: transceiver session 0 bound") == std::string::npos &&
         steady::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }

  testing::raw_client c(gateway.port());
  ASSERT_EQ(c.bind(command_id::bind_transceiver, "acme", "secret"), command_status::esme_rok);
  // destination -> the receipt the customer must get (stat, err)
  const std::map<std::string, std::pair<std::string, std::string>> expected{
      {"4512000001", {"DELIVRD", "000"}},  // hex out, decimal back, fields reordered
      {"4591000001", {"DELIVRD", "000"}},  // the receipt before the submit_sm_resp
      {"4599000001", {"UNDELIV", "001"}},  // carrier err 001 -> 0x1001
      {"4598000001", {"REJECTD", "096"}},  // ESME_RINVDSTADR -> 0x1060
      {"4597000001", {"UNDELIV", "001"}},  // message_state 5 wins over stat:DELIVRD
      {"4590000000", {"DELIVRD", "000"}},  // and three MOs come back
  };
  std::map<std::uint32_t, std::string> sent;  // sequence -> destination
  for (const auto& [to, _] : expected) {
    auto s = testing::make_submit(to, "via node");
    s.registered_delivery = 1;
    s.tlvs.set(smpp::tlv_tag::user_message_reference, std::vector<std::uint8_t>{0x00, 0x09});
    const auto sequence = c.next_sequence();
    sent[sequence] = to;
    c.send(smpp::make_pdu(s, sequence));
  }
  std::map<std::string, std::string> id_of;     // destination -> our id
  std::map<std::string, std::string> receipts;  // our id -> text
  std::vector<smpp::deliver_sm> mos;
  const auto until = steady::now() + 30s;
  while (steady::now() < until && (receipts.size() < expected.size() || mos.size() < 3)) {
    smpp::pdu p;
    if (c.read(p, 1s) != testing::read_outcome::pdu) continue;
    if (const auto* d = p.get_if<smpp::deliver_sm>()) {
      c.send(smpp::make_pdu(smpp::deliver_sm_resp{}, p.sequence_number));
      if (d->esm_class & 0x04) {
        receipts[testing::receipted_id(p)] = testing::text_of(p);
      } else {
        mos.push_back(*d);
      }
    } else if (p.get_if<smpp::enquire_link>()) {
      c.send(smpp::make_pdu(smpp::enquire_link_resp{}, p.sequence_number));
    } else if (sent.contains(p.sequence_number)) {
      EXPECT_EQ(p.command_status, command_status::esme_rok) << sent[p.sequence_number];
      id_of[sent[p.sequence_number]] = testing::message_id_of(p);
    }
  }
  for (const auto& [to, want] : expected) {
    SCOPED_TRACE(to);
    ASSERT_TRUE(id_of.contains(to));
    const auto& id = id_of.at(to);
    ASSERT_TRUE(receipts.contains(id)) << gateway.log();
    EXPECT_EQ(field(receipts.at(id), "id"), id);
    EXPECT_EQ(field(receipts.at(id), "stat"), want.first) << receipts.at(id);
    EXPECT_EQ(field(receipts.at(id), "err"), want.second) << receipts.at(id);
    EXPECT_EQ(field(receipts.at(id), "text"), "9") << "the customer's reference";
  }

  ASSERT_EQ(mos.size(), 3u) << gateway.log();
  std::map<std::string, std::vector<smpp::deliver_sm>> by_source;
  for (const auto& m : mos) by_source[std::string(m.source_addr.view())].push_back(m);
  ASSERT_EQ(by_source["4670000001"].size(), 1u);
  const auto& text = by_source["4670000001"].front();
  EXPECT_EQ(text.esm_class, 0);
  EXPECT_EQ(text.data_coding, 0);
  EXPECT_EQ(text.destination_addr.view(), "4512345");
  EXPECT_EQ(text.short_message.view(), "hello gateway");
  ASSERT_EQ(by_source["4670000002"].size(), 2u);
  std::set<std::string> parts;
  for (const auto& part : by_source["4670000002"]) {
    EXPECT_EQ(part.esm_class, 0x40);
    EXPECT_EQ(part.data_coding, 8);
    parts.insert(to_hex(part.short_message.bytes()));
  }
  EXPECT_EQ(parts, (std::set<std::string>{"0500032a0201041f0440", "0500032a020204380021"}));

  // What the SMSC saw and answered.
  smsc.signal(SIGTERM);
  std::vector<json> submits;
  std::map<std::string, int> resp_status;
  while (const auto line = smsc.read_line(3s)) {
    const auto j = json::parse(*line, nullptr, false);
    if (j.contains("submit")) submits.push_back(j["submit"]);
    if (j.contains("deliver_sm_resp")) {
      resp_status[j["deliver_sm_resp"]["what"].get<std::string>()] =
          j["deliver_sm_resp"]["status"].get<int>();
    }
  }
  EXPECT_EQ(submits.size(), expected.size());
  for (const auto& s : submits) {
    SCOPED_TRACE(s.dump());
    EXPECT_EQ(s["registered_delivery"], 1);
    EXPECT_EQ(s["dest_addr_ton"], 1);
    EXPECT_EQ(s["dest_addr_npi"], 1);
    EXPECT_EQ(s["source_addr"], "smppd");
    EXPECT_EQ(s["source_addr_ton"], 5);
    EXPECT_FALSE(s["tlvs"].contains("user_message_reference")) << "0x0204 is not sent upstream";
  }
  for (const auto& [what, status] : resp_status) {
    EXPECT_EQ(status, what == "mo unrouted" ? 0x0B : 0) << what;
  }
  EXPECT_EQ(resp_status.count("mo unrouted"), 1u);
  EXPECT_EQ(resp_status.count("mo text"), 1u);
  EXPECT_EQ(resp_status.count("mo ucs2 part 2"), 1u);
}

}  // namespace
}  // namespace smppd::interop
