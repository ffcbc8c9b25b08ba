// smppd's carrier side against an independent upstream SMSC written on node-smpp's server
// API (node/upstream_smsc.js, npm smpp 0.5.1): it answers with hex message ids and sends
// receipts with the same numbers in decimal with leading zeros, Appendix B fields reordered
// and re-cased, one receipt before its submit_sm_resp, one whose TLVs contradict its text,
// one permanent rejection; and it sends MO (a GSM text, a concatenated UCS-2 message, one
// that no mo_route takes). A customer bound to smppd must get one receipt per message with
// our id and the right state, and the MOs as the SMSC sent them; what the SMSC received and
// how smppd answered it are asserted from the script's JSON lines. Once with the carrier
// bound as a transceiver, once as a transmitter plus a receiver.

#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "smpp/codec.hpp"
#include "support.hpp"

namespace smppd::interop {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using smpp::command_id;
using smpp::command_status;
using smpp::tlv_tag;
using steady = std::chrono::steady_clock;

std::string node_dir() { return source_dir() + "/tests/interop/node"; }

void require_node() {
  ASSERT_TRUE(have_program("node")) << "node is not on PATH: run scripts/bootstrap";
  const json manifest =
      json::parse(read_file(node_dir() + "/node_modules/smpp/package.json"), nullptr, false);
  ASSERT_TRUE(manifest.is_object())
      << "node-smpp is missing from " << node_dir() << "/node_modules: run scripts/bootstrap";
  ASSERT_EQ(manifest.value("version", ""), "0.5.1")
      << "tests/interop/node/package-lock.json pins smpp 0.5.1: run npm ci there";
}

// A receipt text's `key:` field, "" when it has none.
std::string field(const std::string& text, const std::string& key) {
  const std::regex re("(^| )" + key + ":([^ ]*)");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[2].str() : std::string();
}

// An absolute SMPP time (YYMMDDhhmmss000+, UTC) `ahead` of now.
std::string absolute_time(std::chrono::seconds ahead) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char out[16];
  std::strftime(out, sizeof out, "%y%m%d%H%M%S", &utc);
  return std::string(out) + "000+";
}

std::string hex_of(std::string_view text) {
  return to_hex({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

// node/upstream_smsc.js, under a time limit, with every line it printed kept in order.
class node_smsc {
 public:
  node_smsc()
      : stderr_file_(scratch_dir() + "/upstream_smsc.err"),
        process_(start_limited({"node", node_dir() + "/upstream_smsc.js"}, 150s, stderr_file_)) {
    collect(10s);
    if (!lines_.empty()) {
      const auto first = json::parse(lines_.front(), nullptr, false);
      if (first.is_object()) port_ = first.value("port", 0);
    }
  }

  std::uint16_t port() const { return port_; }

  // The `key` member of every line that has one ({"key": ...}), in order.
  std::vector<json> events(const std::string& key) {
    collect();
    std::vector<json> out;
    for (const auto& line : lines_) {
      const auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.contains(key)) out.push_back(j[key]);
    }
    return out;
  }

  // The line number of the first {"key": V} line for which match(V) holds; -1 if none.
  int position(const std::string& key, const std::function<bool(const json&)>& match) {
    collect();
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      const auto j = json::parse(lines_[i], nullptr, false);
      if (j.is_object() && j.contains(key) && match(j[key])) return static_cast<int>(i);
    }
    return -1;
  }

  // Everything it printed so far, stderr included, for failure messages.
  std::string output() {
    collect();
    std::string out;
    for (const auto& line : lines_) out += line + "\n";
    return out + "(stderr) " + read_file(stderr_file_);
  }

  // SIGTERM; its exit status, or nullopt when it did not exit within 10 s.
  std::optional<int> stop() {
    collect();
    process_->signal(SIGTERM);
    const auto status = process_->wait_for(10s);
    collect(100ms);
    return status;
  }

 private:
  // Reads what it printed, waiting up to `first` for a first line. (read_line rounds its
  // time left down to milliseconds: a limit of 1 ms may not even poll.)
  void collect(std::chrono::milliseconds first = 10ms) {
    auto limit = first;
    while (const auto line = process_->read_line(limit)) {
      lines_.push_back(*line);
      limit = 10ms;
    }
  }

  std::string stderr_file_;
  std::unique_ptr<test_support::child_process> process_;
  std::vector<std::string> lines_;
  std::uint16_t port_ = 0;
};

// One message from the customer and the receipt it must get back.
struct message {
  std::string to;
  std::string stat;
  std::string err;
  int message_state;  // of our receipt (0x0427)
  const char* why;
};

const std::vector<message> messages{
    {"4512000001", "DELIVRD", "000", 2, "hex id out, decimal back, fields reordered"},
    {"4591000001", "DELIVRD", "000", 2, "the receipt before the submit_sm_resp"},
    {"4599000001", "UNDELIV", "001", 5, "carrier err 001 -> 0x1001"},
    {"4598000001", "REJECTD", "096", 8, "ESME_RINVDSTADR at the carrier -> 0x1060"},
    {"4597000001", "UNDELIV", "001", 5, "message_state 5 and network_error_code beat the text"},
    {"4590000000", "DELIVRD", "000", 2, "the trigger for three MOs"},
};

// What node-smpp encoded for the MOs (upstream_smsc.js: {udh, message} with data_coding 8).
const std::string mo_text_hex = hex_of("hello gateway");
const std::string mo_part1_hex = "050003020201041f04400438043204350442002c0020";  // "Привет, "
const std::string mo_part2_hex = "050003020202043c043804400021";                  // "мир!"
const std::vector<std::uint8_t> ucs2_test{0x04, 0x22, 0x04, 0x35, 0x04, 0x41, 0x04, 0x42};

// The carrier's `bind`: "trx" (one transceiver), or "tx+rx" (a transmitter for the
// submits, a receiver the SMSC sends receipts and MO to).
class carrier_node : public ::testing::TestWithParam<std::string> {
 protected:
  // For failure messages: both sides' view.
  std::string context() {
    return "\n--- smppd log:\n" + (gateway ? gateway->log() : std::string("(not started)")) +
           "\n--- node SMSC output:\n" + (smsc ? smsc->output() : std::string("(not started)"));
  }

  // The customer's submit_sm to `to`: GSM text (UCS-2 for 4597), with fields that must go
  // upstream (priority, validity, flash as dest_addr_subunit 1) and TLVs that must not
  // (user_message_reference 0x0204, message_class 0x2900).
  static smpp::submit_sm submit_to(const std::string& to, const std::string& validity) {
    auto s = testing::make_submit(to, "via node");
    if (to == "4597000001") {
      s.data_coding = 8;
      s.short_message.assign(ucs2_test);
    }
    s.registered_delivery = 1;
    s.priority_flag = 1;
    s.validity_period.assign(validity);
    s.tlvs.set(tlv_tag::user_message_reference, std::vector<std::uint8_t>{0x00, 0x09});
    s.tlvs.set_string(tlv_tag::message_class, "premium");
    s.tlvs.set_u8(tlv_tag::dest_addr_subunit, 1);
    return s;
  }

  std::optional<node_smsc> smsc;
  testing::scratch_dir dir;
  std::optional<testing::server_process> gateway;
};

TEST_P(carrier_node, receipts_and_mo_through_a_node_smpp_smsc) {
  const bool split = GetParam() == "tx+rx";
  ASSERT_NO_FATAL_FAILURE(require_node());
  smsc.emplace();
  ASSERT_NE(smsc->port(), 0) << "the node SMSC did not start" << context();

  dir.write_config(
      "", "[[carrier]]\nname = \"node\"\nhosts = [\"127.0.0.1:" + std::to_string(smsc->port()) +
              "\"]\nsystem_id = \"gw\"\npassword = \"secret\"\n"
              "reconnect_delay_s = 1\nbind = \"" +
              GetParam() +
              "\"\n"
              "[[route]]\ncarriers = [\"node\"]\n"
              "[[mo_route]]\nprefixes = [\"4512345\"]\naccount = \"acme\"\n");
  const auto added = testing::add_account(dir, "acme", "secret");
  ASSERT_EQ(added.exit_status, 0) << added.err;
  gateway.emplace(dir);
  ASSERT_NE(gateway->port(), 0) << context();
  const auto bound = [&] {
    const auto log = gateway->log();
    const auto has = [&](const char* line) { return log.find(line) != std::string::npos; };
    return split ? has("carrier node: transmitter session 0 bound") &&
                       has("carrier node: receiver session 0 bound")
                 : has("carrier node: transceiver session 0 bound");
  };
  for (const auto give_up = steady::now() + 20s; !bound() && steady::now() < give_up;) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(bound()) << "smppd did not bind to the node SMSC" << context();

  testing::raw_client c(gateway->port());
  ASSERT_EQ(c.bind(command_id::bind_transceiver, "acme", "secret"), command_status::esme_rok)
      << context();
  const std::string validity = absolute_time(24h);
  std::map<std::uint32_t, std::string> destination_of;  // sequence -> destination
  std::map<std::string, smpp::submit_sm> sent;          // destination -> submit_sm
  for (const auto& m : messages) {
    sent[m.to] = submit_to(m.to, validity);
    const auto sequence = c.next_sequence();
    destination_of[sequence] = m.to;
    c.send(smpp::make_pdu(sent[m.to], sequence));
  }

  // Our ids, the receipts and the MOs, in whatever order they come.
  std::map<std::string, std::string> id_of;                       // destination -> our id
  std::map<std::string, std::vector<smpp::deliver_sm>> receipts;  // receipted id -> receipts
  std::vector<smpp::deliver_sm> mos;
  const auto read_customer = [&](steady::time_point until, const std::function<bool()>& done) {
    while (!done() && steady::now() < until) {
      smpp::pdu p;
      const auto outcome = c.read(p, 200ms);
      if (outcome == testing::read_outcome::timeout) continue;
      ASSERT_EQ(outcome, testing::read_outcome::pdu) << "the customer's session ended" << context();
      if (const auto* d = p.get_if<smpp::deliver_sm>()) {
        c.send(smpp::make_pdu(smpp::deliver_sm_resp{}, p.sequence_number));
        if (d->esm_class & 0x04) {
          receipts[testing::receipted_id(p)].push_back(*d);
        } else {
          mos.push_back(*d);
        }
      } else if (p.get_if<smpp::enquire_link>()) {
        c.send(smpp::make_pdu(smpp::enquire_link_resp{}, p.sequence_number));
      } else if (p.get_if<smpp::submit_sm_resp>() && destination_of.contains(p.sequence_number)) {
        const auto& to = destination_of[p.sequence_number];
        EXPECT_EQ(p.command_status, command_status::esme_rok) << to << context();
        EXPECT_FALSE(id_of.contains(to)) << "a second submit_sm_resp for " << to;
        id_of[to] = testing::message_id_of(p);
      } else {
        ADD_FAILURE() << "unexpected PDU: " << testing::describe(p) << context();
      }
    }
  };
  ASSERT_NO_FATAL_FAILURE(read_customer(steady::now() + 60s, [&] {
    return id_of.size() == messages.size() && receipts.size() >= messages.size() && mos.size() >= 3;
  }));
  // Then until the SMSC has every deliver_sm_resp (5 receipts, 4 MOs), and 1 s more: a
  // second receipt or a stray MO would show up here.
  const auto answered = [&] { return smsc->events("deliver_sm_resp").size() >= 9; };
  ASSERT_NO_FATAL_FAILURE(read_customer(steady::now() + 20s, answered));
  ASSERT_NO_FATAL_FAILURE(read_customer(steady::now() + 1s, [] { return false; }));

  for (const auto& m : messages) {
    SCOPED_TRACE(m.to + ": " + m.why);
    ASSERT_TRUE(id_of.contains(m.to)) << "no submit_sm_resp" << context();
    const auto& id = id_of.at(m.to);
    EXPECT_FALSE(id.empty());
    ASSERT_TRUE(receipts.contains(id)) << "no receipt for our id " << id << context();
    ASSERT_EQ(receipts.at(id).size(), 1u) << "one receipt per message" << context();
    const auto& r = receipts.at(id).front();
    const std::string text(r.short_message.view());
    EXPECT_EQ(field(text, "id"), id) << text;
    EXPECT_EQ(field(text, "stat"), m.stat) << text << context();
    EXPECT_EQ(field(text, "err"), m.err) << text << context();
    EXPECT_EQ(field(text, "text"), "9") << text << " (the customer's user_message_reference)";
    EXPECT_EQ(r.tlvs.get_u8(tlv_tag::message_state), m.message_state) << text;
    EXPECT_EQ(r.source_addr.view(), m.to);
    EXPECT_EQ(r.destination_addr.view(), "smppd");
  }
  EXPECT_EQ(receipts.size(), messages.size()) << "receipts for ids we never gave" << context();

  // The MOs reach the customer as node-smpp sent them: compared with the octets it
  // printed (decoded by our codec) and with what the script meant to encode.
  std::map<std::string, smpp::deliver_sm> node_sent;  // what -> deliver_sm
  for (const auto& e : smsc->events("mo_sent")) {
    const auto decoded = smpp::decode(from_hex(e.at("hex").get<std::string>()));
    ASSERT_TRUE(decoded) << e.dump();
    ASSERT_NE(decoded->get_if<smpp::deliver_sm>(), nullptr) << e.dump();
    node_sent[e.at("what").get<std::string>()] = *decoded->get_if<smpp::deliver_sm>();
  }
  ASSERT_EQ(node_sent.size(), 4u) << context();
  EXPECT_EQ(to_hex(node_sent["mo text"].short_message.bytes()), mo_text_hex);
  EXPECT_EQ(to_hex(node_sent["mo ucs2 part 1"].short_message.bytes()), mo_part1_hex);
  EXPECT_EQ(to_hex(node_sent["mo ucs2 part 2"].short_message.bytes()), mo_part2_hex);
  EXPECT_EQ(node_sent["mo ucs2 part 1"].esm_class, 0x40);

  ASSERT_EQ(mos.size(), 3u) << context();
  std::map<std::string, const smpp::deliver_sm*> got;  // payload hex -> MO
  for (const auto& mo : mos) got[to_hex(mo.short_message.bytes())] = &mo;
  const struct {
    const char* what;
    const std::string& payload;
    std::uint8_t esm_class;
    std::uint8_t data_coding;
  } expected_mos[] = {
      {"mo text", mo_text_hex, 0x00, 0},
      {"mo ucs2 part 1", mo_part1_hex, 0x40, 8},
      {"mo ucs2 part 2", mo_part2_hex, 0x40, 8},
  };
  for (const auto& want : expected_mos) {
    SCOPED_TRACE(want.what);
    ASSERT_TRUE(got.contains(want.payload)) << "no MO with payload " << want.payload << context();
    const auto& mo = *got.at(want.payload);
    const auto& node = node_sent[want.what];
    EXPECT_EQ(mo.esm_class, want.esm_class);
    EXPECT_EQ(mo.data_coding, want.data_coding);
    EXPECT_EQ(mo.data_coding, node.data_coding);
    EXPECT_EQ(mo.source_addr.view(), node.source_addr.view());
    EXPECT_EQ(mo.destination_addr.view(), node.destination_addr.view());
    EXPECT_EQ(mo.destination_addr.view(), "4512345");
  }

  // What the SMSC received and how smppd answered it.
  const auto status = smsc->stop();
  EXPECT_EQ(status, 0) << "the node SMSC did not exit cleanly on SIGTERM" << context();
  const auto binds = smsc->events("bind");
  std::multiset<std::string> bind_commands;
  for (const auto& b : binds) {
    bind_commands.insert(b.value("command", ""));
    EXPECT_EQ(b["ok"], true) << context();
    EXPECT_EQ(b["system_id"], "gw");
  }
  const std::multiset<std::string> want_binds =
      split ? std::multiset<std::string>{"bind_transmitter", "bind_receiver"}
            : std::multiset<std::string>{"bind_transceiver"};
  EXPECT_EQ(bind_commands, want_binds) << "smppd bound once and stayed bound" << context();
  EXPECT_TRUE(smsc->events("closed").empty()) << context();
  EXPECT_TRUE(smsc->events("session_error").empty()) << context();
  EXPECT_TRUE(smsc->events("self_limit").empty()) << context();
  EXPECT_TRUE(smsc->events("no_receiver").empty()) << context();

  const auto submits = smsc->events("submit");
  EXPECT_EQ(submits.size(), messages.size()) << "each message sent upstream once" << context();
  std::map<std::string, json> submit_of;
  for (const auto& s : submits) submit_of[s.value("destination_addr", "")] = s;
  for (const auto& m : messages) {
    SCOPED_TRACE(m.to);
    ASSERT_TRUE(submit_of.contains(m.to)) << context();
    const json& s = submit_of[m.to];
    SCOPED_TRACE(s.dump());
    EXPECT_EQ(s["registered_delivery"], 1);
    EXPECT_EQ(s["dest_addr_ton"], 1);
    EXPECT_EQ(s["dest_addr_npi"], 1);
    EXPECT_EQ(s["source_addr"], "smppd");
    EXPECT_EQ(s["source_addr_ton"], 5);
    EXPECT_EQ(s["source_addr_npi"], 0);
    EXPECT_EQ(s["esm_class"], 0);
    EXPECT_EQ(s["priority_flag"], 1);
    EXPECT_EQ(s["validity_period"], validity);
    EXPECT_EQ(s["data_coding"], sent[m.to].data_coding);
    EXPECT_EQ(s["short_message"], to_hex(sent[m.to].short_message.bytes()));
    const json& tlvs = s["tlvs"];
    EXPECT_FALSE(tlvs.contains("0204")) << "user_message_reference is not sent upstream";
    EXPECT_FALSE(tlvs.contains("2900")) << "message_class is not sent upstream";
    EXPECT_EQ(tlvs, json({{"0005", "01"}})) << "dest_addr_subunit (flash) and nothing else";
  }
  // Receipts and MO went to the session that can receive.
  for (const char* kind : {"receipt_sent", "mo_sent"}) {
    for (const auto& e : smsc->events(kind)) {
      EXPECT_EQ(e["session"], split ? "bind_receiver" : "bind_transceiver") << e.dump();
    }
  }
  // The early receipt was early: written before its submit_sm_resp.
  const auto early_id = submit_of["4591000001"].value("id", "?");
  const int receipt_at = smsc->position("receipt_sent", [](const json& e) {
    return e.value("what", "").ends_with(" for 4591000001");
  });
  const int resp_at = smsc->position("submit_sm_resp",
                                     [&](const json& e) { return e.value("id", "") == early_id; });
  EXPECT_NE(receipt_at, -1) << context();
  EXPECT_LT(receipt_at, resp_at) << context();

  // Every deliver_sm smppd got from the SMSC was answered: ESME_ROK, except the MO to a
  // number no mo_route takes (ESME_RINVDSTADR).
  std::map<std::string, std::vector<int>> resp_status;  // what -> statuses
  for (const auto& r : smsc->events("deliver_sm_resp")) {
    resp_status[r.value("what", "")].push_back(r.value("status", -1));
  }
  std::map<std::string, std::vector<int>> expected_status{
      {"mo text", {0}}, {"mo ucs2 part 1", {0}}, {"mo ucs2 part 2", {0}}, {"mo unrouted", {0x0B}}};
  for (const auto& e : smsc->events("receipt_sent")) expected_status[e.value("what", "")] = {0};
  EXPECT_EQ(expected_status.size(), 9u) << "5 receipts (none for 4598) and 4 MOs" << context();
  EXPECT_EQ(resp_status, expected_status) << context();

  const auto log = gateway->log();
  EXPECT_NE(log.find("MO to 4400000000 matches no mo_route"), std::string::npos) << log;
  EXPECT_EQ(log.find("receipt for unknown message id"), std::string::npos) << log;
  EXPECT_EQ(log.find("without an id or a state"), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(bind, carrier_node, ::testing::Values("trx", "tx+rx"),
                         [](const auto& p) { return p.param == "trx" ? "trx" : "tx_rx"; });

}  // namespace
}  // namespace smppd::interop
