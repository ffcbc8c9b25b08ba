// node-smpp (npm smpp 0.5.1, tests/interop/node) as an ESME against the real `smppd serve`,
// over plain TCP and over TLS. node/server_client.js drives the session and prints one JSON
// line of what the server answered; every value is asserted here. A missing node or
// node-smpp fails the tests (run scripts/bootstrap), never skips them.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "harness.hpp"
#include "smpp/codec.hpp"
#include "support.hpp"

namespace smppd::interop {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* account = "nodeesme";
constexpr const char* password = "n0de-pw";

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

std::string node_command(const std::string& mode, std::uint16_t port,
                         const std::string& transport) {
  return "cd " + shell_quote(node_dir()) + " && exec node server_client.js " + mode +
         " 127.0.0.1 " + std::to_string(port) + " " + transport + " " + account + " " + password;
}

// The last non-empty line of the script's output, as JSON (discarded when it is not JSON).
json last_json_line(const std::string& out) {
  const auto lines = split(out, '\n');
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!it->empty()) return json::parse(*it, nullptr, false);
  }
  return json::parse("", nullptr, false);
}

void expect_decimal_message_id(const json& response) {
  ASSERT_TRUE(response.contains("message_id")) << response;
  const std::string id = response["message_id"];
  EXPECT_FALSE(id.empty());
  EXPECT_LE(id.size(), 19u) << id;
  EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << id;
}

// The submit_sm node-smpp put on the wire, decoded by our codec.
smpp::submit_sm request_of(const json& response) {
  const auto bytes = from_hex(response.at("request_hex").get<std::string>());
  auto decoded = smpp::decode(bytes);
  if (!decoded) {
    ADD_FAILURE() << "node-smpp's submit_sm does not decode: " << response["request_hex"];
    return {};
  }
  const auto* body = decoded->get_if<smpp::submit_sm>();
  if (body == nullptr) {
    ADD_FAILURE() << "not a submit_sm: " << response["request_hex"];
    return {};
  }
  return *body;
}

class node_smpp_esme : public ::testing::Test {
 protected:
  // Lines appended to smppd.toml after [store] (simulator rules, for instance).
  virtual std::string config_tail() const { return ""; }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(require_node());
    dir.write_config("", config_tail());
    const auto added = testing::add_account(dir, account, password);
    ASSERT_EQ(added.exit_status, 0) << added.err;
    server.emplace(dir);
    ASSERT_NE(server->port(), 0);
    ASSERT_NE(server->tls_port(), 0);
  }

  // Runs the whole `session` scenario and checks every answer.
  void check_session(const std::string& transport) {
    const std::uint16_t port = transport == "tls" ? server->tls_port() : server->port();
    const run_result r = run(node_command("session", port, transport), {}, 40s);
    json result = last_json_line(r.out);
    ASSERT_EQ(r.exit_code, 0) << "node server_client.js session failed\nstdout: " << r.out
                              << "\nstderr: " << r.err << "\nsmppd log:\n"
                              << server->log();
    ASSERT_TRUE(result.is_object()) << r.out;
    SCOPED_TRACE(result.dump());
    EXPECT_EQ(result["transport"], transport);

    // Wrong password: ESME_RINVPASWD, no body, then the server closes the socket.
    json& wrong = result["wrong_password"];
    EXPECT_EQ(wrong["command"], "bind_transceiver_resp");
    EXPECT_EQ(wrong["command_status"], 0x0E);
    EXPECT_EQ(wrong["same_sequence"], true);
    EXPECT_EQ(wrong["command_length"], 16);
    EXPECT_EQ(wrong["closed"], true);

    json& bind = result["bind"];
    EXPECT_EQ(bind["command"], "bind_transceiver_resp");
    EXPECT_EQ(bind["command_status"], 0);
    EXPECT_EQ(bind["same_sequence"], true);
    EXPECT_EQ(bind["sc_interface_version"], 0x34);
    EXPECT_TRUE(bind["system_id"].is_string());

    json& submit = result["submit"];
    std::set<std::string> ids;
    for (const char* ok : {"gsm7", "ucs2", "payload300", "umr", "class_known"}) {
      SCOPED_TRACE(ok);
      json& s = submit[ok];
      EXPECT_EQ(s["command"], "submit_sm_resp");
      EXPECT_EQ(s["command_status"], 0);
      EXPECT_EQ(s["same_sequence"], true);
      expect_decimal_message_id(s);
      if (s.contains("message_id")) ids.insert(s["message_id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), 5u) << "message ids must be unique";

    const struct {
      const char* name;
      int status;
    } rejected[] = {
        {"bad_ton", 0x50},        // ESME_RINVDSTTON
        {"dcs5", 0x104},          // ESME_RINVDCS (SMPP 5.0's code)
        {"class_unknown", 0xC4},  // ESME_RINVOPTPARAMVAL
    };
    for (const auto& [name, status] : rejected) {
      SCOPED_TRACE(name);
      json& s = submit[name];
      EXPECT_EQ(s["command"], "submit_sm_resp");
      EXPECT_EQ(s["command_status"], status);
      EXPECT_EQ(s["same_sequence"], true);
      EXPECT_EQ(s["command_length"], 16) << "error responses carry no body";
    }

    // The requests were what the names say (node-smpp chose the octets).
    const auto gsm7 = request_of(submit["gsm7"]);
    EXPECT_EQ(gsm7.data_coding, 0);
    EXPECT_EQ(to_hex(gsm7.short_message.bytes()),
              "48656c6c6f2000206e6f64652d736d7070201b286f6b1b29203"
              "51b65");  // "Hello @ node-smpp {ok} 5€" in GSM 03.38
    const auto ucs2 = request_of(submit["ucs2"]);
    EXPECT_EQ(ucs2.data_coding, 8);
    EXPECT_EQ(to_hex(ucs2.short_message.bytes()).substr(0, 8), "041f0440");  // "Пр"
    EXPECT_EQ(to_hex(ucs2.short_message.bytes()).substr(ucs2.short_message.size() * 2 - 8),
              "d83dde00");  // U+1F600 as a surrogate pair
    EXPECT_EQ(request_of(submit["bad_ton"]).dest_addr_ton, 2);
    EXPECT_EQ(request_of(submit["dcs5"]).data_coding, 5);
    const auto payload = request_of(submit["payload300"]);
    EXPECT_TRUE(payload.short_message.empty());
    const auto payload_tlv = payload.tlvs.find(smpp::tlv_tag::message_payload);
    ASSERT_TRUE(payload_tlv.has_value());
    EXPECT_EQ(payload_tlv->value.size(), 300u);
    EXPECT_EQ(request_of(submit["umr"]).tlvs.get_u16(smpp::tlv_tag::user_message_reference), 4242);
    EXPECT_EQ(request_of(submit["class_unknown"]).tlvs.get_string(smpp::tlv_tag::message_class),
              "gold");
    EXPECT_EQ(request_of(submit["class_known"]).tlvs.get_string(smpp::tlv_tag::message_class),
              "premium");

    json& enquire = result["enquire_link"];
    EXPECT_EQ(enquire["command"], "enquire_link_resp");
    EXPECT_EQ(enquire["command_status"], 0);
    EXPECT_EQ(enquire["same_sequence"], true);

    // query_sm is not served: generic_nack ESME_RINVCMDID with the request's sequence.
    json& query = result["query_sm"];
    EXPECT_EQ(query["command"], "generic_nack");
    EXPECT_EQ(query["command_status"], 0x03);
    EXPECT_EQ(query["same_sequence"], true);
    EXPECT_EQ(query["command_length"], 16);

    // A receiver binds, but may not submit.
    EXPECT_EQ(result["receiver_bind"]["command"], "bind_receiver_resp");
    EXPECT_EQ(result["receiver_bind"]["command_status"], 0);
    EXPECT_EQ(result["receiver_submit"]["command"], "submit_sm_resp");
    EXPECT_EQ(result["receiver_submit"]["command_status"], 0x04);  // ESME_RINVBNDSTS
    EXPECT_EQ(result["receiver_unbind"]["command"], "unbind_resp");
    EXPECT_EQ(result["receiver_unbind"]["command_status"], 0);

    json& unbind = result["unbind"];
    EXPECT_EQ(unbind["command"], "unbind_resp");
    EXPECT_EQ(unbind["command_status"], 0);
    EXPECT_EQ(unbind["same_sequence"], true);
    EXPECT_EQ(unbind["closed"], true) << "the server closes after unbind_resp";

    EXPECT_TRUE(server->running()) << server->log();
  }

  // SIGTERM with node-smpp bound: the server sends unbind, node-smpp answers unbind_resp (the
  // script does; node-smpp itself answers nothing), and smppd exits 0 within 10 s.
  void check_sigterm(const std::string& transport) {
    const std::string command =
        "timeout --kill-after=5 45 /bin/sh -c " +
        shell_quote(node_command(
            "sigterm", transport == "tls" ? server->tls_port() : server->port(), transport)) +
        " 2>" + shell_quote(scratch_dir() + "/sigterm-" + transport + ".err");
    FILE* child = ::popen(command.c_str(), "r");
    ASSERT_NE(child, nullptr);
    std::string out;
    char line[4096];
    // The first line says node-smpp is bound (or the script ended: EOF within its time limit).
    if (std::fgets(line, sizeof line, child) != nullptr) out += line;
    const json bound = json::parse(out, nullptr, false);
    const bool is_bound = bound.is_object() && bound.value("bound", false);
    EXPECT_TRUE(is_bound) << out << read_file(scratch_dir() + "/sigterm-" + transport + ".err");

    const auto started = std::chrono::steady_clock::now();
    const int exit_status = is_bound ? server->terminate(12s) : -2;
    const auto took = std::chrono::steady_clock::now() - started;
    while (std::fgets(line, sizeof line, child) != nullptr) out += line;
    const int status = ::pclose(child);
    const std::string log = server->log();

    EXPECT_EQ(exit_status, 0) << log;
    EXPECT_LT(took, 10s);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "node exit " << status << "\n"
        << out << read_file(scratch_dir() + "/sigterm-" + transport + ".err");
    json result = last_json_line(out);
    ASSERT_TRUE(result.is_object()) << out;
    SCOPED_TRACE(result.dump());
    EXPECT_EQ(result["bind"]["command_status"], 0);
    EXPECT_EQ(result["unbind"]["command"], "unbind");
    EXPECT_EQ(result["unbind"]["command_length"], 16);
    EXPECT_EQ(result["closed_after_unbind_resp"], true) << "no close within 5 s of unbind_resp";
    std::cout << "[ info ] smppd exited "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
              << " ms after SIGTERM; closed " << result.value("close_ms", -1)
              << " ms after node-smpp's unbind_resp\n";
  }

  testing::scratch_dir dir;
  std::optional<testing::server_process> server;
};

// The built-in carrier simulator: 4599... fails with UNDELIV and gateway error 0x107E at
// once; everything else (4512345678 here) is DELIVRD after the default 50 ms.
class node_smpp_receipts : public node_smpp_esme {
 protected:
  std::string config_tail() const override {
    return "[[simulator.rule]]\nprefix = \"4599\"\nstatus = \"UNDELIV\"\nerror = 0x107E\n"
           "delay_ms = 0\n";
  }
};

TEST_F(node_smpp_esme, binds_submits_and_unbinds_over_plain_tcp) { check_session("plain"); }

TEST_F(node_smpp_esme, binds_submits_and_unbinds_over_tls) { check_session("tls"); }

TEST_F(node_smpp_esme, sigterm_unbinds_node_smpp_over_tcp_and_exits_0_within_10_s) {
  check_sigterm("plain");
}

TEST_F(node_smpp_esme, sigterm_unbinds_node_smpp_over_tls_and_exits_0_within_10_s) {
  check_sigterm("tls");
}

// The contract's "Delivery receipts" as node-smpp decodes them: a DELIVRD receipt with the
// submit's user_message_reference, and an UNDELIV one with network_error_code. node-smpp
// answers each deliver_sm with deliver_sm_resp ESME_ROK; none may then be repeated.
TEST_F(node_smpp_receipts, node_smpp_decodes_and_acknowledges_delivery_receipts_over_plain_tcp) {
  const auto started = std::chrono::system_clock::now();
  const run_result r = run(node_command("receipt", server->port(), "plain"), {}, 40s);
  const auto finished = std::chrono::system_clock::now();
  json result = last_json_line(r.out);
  ASSERT_EQ(r.exit_code, 0) << "node server_client.js receipt failed\nstdout: " << r.out
                            << "\nstderr: " << r.err << "\nsmppd log:\n"
                            << server->log();
  ASSERT_TRUE(result.is_object()) << r.out;
  SCOPED_TRACE(result.dump());

  EXPECT_EQ(result["bind"]["command"], "bind_transceiver_resp");
  EXPECT_EQ(result["bind"]["command_status"], 0);
  json& delivered_submit = result["submit_delivered"];
  json& failed_submit = result["submit_undeliverable"];
  for (json* s : {&delivered_submit, &failed_submit}) {
    EXPECT_EQ((*s)["command"], "submit_sm_resp");
    EXPECT_EQ((*s)["command_status"], 0);
    expect_decimal_message_id(*s);
  }
  const std::string delivered_id = delivered_submit.value("message_id", "");
  const std::string failed_id = failed_submit.value("message_id", "");
  EXPECT_NE(delivered_id, failed_id);

  // Exactly two receipts, one per message (order is not guaranteed), none repeated after ack.
  ASSERT_TRUE(result["receipts"].is_array());
  ASSERT_EQ(result["receipts"].size(), 2u);
  EXPECT_EQ(result["receipts_after_ack"], 0) << "an acknowledged receipt was sent again";
  const json* delivered = nullptr;
  const json* failed = nullptr;
  for (const json& d : result["receipts"]) {
    if (d.value("source_addr", "") == "4512345678") delivered = &d;
    if (d.value("source_addr", "") == "4599000001") failed = &d;
  }
  ASSERT_NE(delivered, nullptr) << "no receipt from 4512345678";
  ASSERT_NE(failed, nullptr) << "no receipt from 4599000001";

  const auto common = [&](json d, const std::string& source) {  // a copy: [] may insert
    SCOPED_TRACE(source);
    EXPECT_EQ(d["command"], "deliver_sm");
    EXPECT_EQ(d["command_status"], 0);
    EXPECT_EQ(d["esm_class"], 4);
    EXPECT_EQ(d["data_coding"], 0);
    // source = the message's destination, destination = its source.
    EXPECT_EQ(d["source_addr_ton"], 1);
    EXPECT_EQ(d["source_addr_npi"], 1);
    EXPECT_EQ(d["source_addr"], source);
    EXPECT_EQ(d["dest_addr_ton"], 5);
    EXPECT_EQ(d["dest_addr_npi"], 0);
    EXPECT_EQ(d["destination_addr"], "nodesmpp");
    ASSERT_TRUE(d["short_message"].is_string());
  };

  const std::regex delivered_format(
      R"(^id:(\d+) sub:001 dlvrd:001 submit date:(\d{10}) done date:(\d{10}) stat:DELIVRD err:000 text:4242$)");
  const std::regex failed_format(
      R"(^id:(\d+) sub:001 dlvrd:000 submit date:(\d{10}) done date:(\d{10}) stat:UNDELIV err:126 text:$)");

  {
    json d = *delivered;
    SCOPED_TRACE("DELIVRD receipt");
    common(d, "4512345678");
    const std::string text = d.value("short_message", "");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(text, m, delivered_format)) << text;
    EXPECT_EQ(m[1], delivered_id);
    EXPECT_TRUE(testing::utc_minute_between(m[2], started, finished)) << m[2];
    EXPECT_TRUE(testing::utc_minute_between(m[3], started, finished)) << m[3];
    EXPECT_EQ(d["receipted_message_id"], delivered_id);
    EXPECT_EQ(d["message_state"], 2);
    EXPECT_EQ(d["user_message_reference"], 4242);
    EXPECT_FALSE(d.contains("network_error_code")) << "no error, no network_error_code";
  }
  {
    json d = *failed;
    SCOPED_TRACE("UNDELIV receipt");
    common(d, "4599000001");
    const std::string text = d.value("short_message", "");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(text, m, failed_format)) << text;
    EXPECT_EQ(m[1], failed_id);
    EXPECT_TRUE(testing::utc_minute_between(m[2], started, finished)) << m[2];
    EXPECT_TRUE(testing::utc_minute_between(m[3], started, finished)) << m[3];
    EXPECT_EQ(d["receipted_message_id"], failed_id);
    EXPECT_EQ(d["message_state"], 5);
    EXPECT_EQ(d["network_error_code"], "03007e") << "GSM (3), error 0x07E";
    EXPECT_FALSE(d.contains("user_message_reference")) << "none was submitted";
  }

  EXPECT_EQ(result["unbind"]["command"], "unbind_resp");
  EXPECT_EQ(result["unbind"]["command_status"], 0);
  EXPECT_EQ(result["unbind"]["closed"], true);
  EXPECT_TRUE(server->running()) << server->log();
}

}  // namespace
}  // namespace smppd::interop
