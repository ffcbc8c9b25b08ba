// node-smpp (npm `smpp` 0.5.1, tests/interop/node) against smppd's codec, both ways:
// PDUs that node-smpp builds are decoded by smppd, and PDUs that smppd encodes are parsed by
// node-smpp. The vectors are made by node during the test (node/vectors.js), not typed here.

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "pdu_json.hpp"
#include "samples.hpp"
#include "smpp/codec.hpp"
#include "support.hpp"

namespace smppd::interop {
namespace {

std::string node_dir() { return source_dir() + "/tests/interop/node"; }

// Fails the calling test (fatally) unless node and the pinned node-smpp are installed.
void require_node() {
  ASSERT_TRUE(have_program("node")) << "node is not on PATH: run scripts/bootstrap";
  const std::string manifest = read_file(node_dir() + "/node_modules/smpp/package.json");
  ASSERT_FALSE(manifest.empty()) << "node-smpp is missing from " << node_dir()
                                 << "/node_modules: run scripts/bootstrap";
  const json parsed = json::parse(manifest, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  ASSERT_EQ(parsed.value("version", ""), "0.5.1")
      << "tests/interop/node/package-lock.json pins smpp 0.5.1: run npm ci there";
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  for (const std::string& line : split(text, '\n')) {
    if (line.empty()) continue;
    out.push_back(json::parse(line));
  }
  return out;
}

run_result run_node(const std::string& mode, const std::string& input = {}) {
  return run("cd " + shell_quote(node_dir()) + " && node vectors.js " + mode, input,
             std::chrono::seconds(60));
}

TEST(node_smpp, is_installed_at_the_pinned_version) { require_node(); }

TEST(node_smpp_to_smppd, decodes_every_pdu_node_smpp_builds_with_the_fields_it_set) {
  ASSERT_NO_FATAL_FAILURE(require_node());
  const run_result r = run_node("emit");
  ASSERT_EQ(r.exit_code, 0) << "node vectors.js emit failed:\n" << r.err;
  const std::vector<json> vectors = json_lines(r.out);
  ASSERT_GE(vectors.size(), 30u) << r.out;

  std::set<std::string> commands;
  for (const json& v : vectors) {
    const std::string name = v["name"];
    const std::string hex = v["hex"];
    SCOPED_TRACE(name + " " + hex);
    const std::vector<std::uint8_t> bytes = from_hex(hex);
    const smpp::decode_result decoded = smpp::decode(bytes);
    ASSERT_TRUE(decoded.has_value())
        << "smppd refused node-smpp's " << name << ": " << smpp::to_string(decoded.error().status)
        << " at " << decoded.error().field;
    json actual = to_json(*decoded);
    actual["command_length"] = bytes.size();
    json expect = v["expect"];
    if (v.contains("spec")) {
      // A node-smpp quirk (see vectors.js): node put other octets than the ones SMPP 3.4
      // asks for. smppd must keep node's octets (the re-encode below checks that), and the
      // quirk is still there at the pinned version.
      for (const auto& [key, value] : v["spec"].items()) {
        expect.erase(key);
        EXPECT_NE(actual[key], value) << "node-smpp no longer has the quirk " << name;
      }
    }
    EXPECT_EQ(join_lines(differences(expect, actual)), "")
        << "smppd decoded " << smpp::to_string(*decoded);
    // What node built is canonical SMPP 3.4, so smppd must give back the same octets.
    EXPECT_EQ(to_hex(smpp::encode(*decoded)), hex) << "smppd re-encoded it differently";
    commands.insert(v["expect"]["command"].get<std::string>());
  }
  // node-smpp builds all 27 SMPP 3.4 PDUs; every one of them went through smppd's decoder.
  EXPECT_EQ(commands.size(), 27u);
  std::cout << "[ interop  ] node-smpp built " << vectors.size() << " PDUs of " << commands.size()
            << " commands; smppd decoded each\n";
}

TEST(smppd_to_node_smpp, node_smpp_parses_every_pdu_smppd_encodes_with_the_fields_we_set) {
  ASSERT_NO_FATAL_FAILURE(require_node());
  std::string input;
  for (const sample& s : samples()) {
    input += s.name + " " + to_hex(smpp::encode(s.value)) + "\n";
  }
  const run_result r = run_node("parse", input);
  ASSERT_EQ(r.exit_code, 0) << "node vectors.js parse failed:\n" << r.err;
  const std::vector<json> parsed = json_lines(r.out);
  ASSERT_EQ(parsed.size(), samples().size()) << r.out;

  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const sample& s = samples()[i];
    const json& p = parsed[i];
    const std::vector<std::uint8_t> bytes = smpp::encode(s.value);
    SCOPED_TRACE(s.name + " " + to_hex(bytes));
    ASSERT_EQ(p.value("name", ""), s.name);
    ASSERT_TRUE(p.value("ok", false)) << "node-smpp refused it: " << p.dump();
    json expected = to_json(s.value);
    expected["command_length"] = bytes.size();
    EXPECT_EQ(join_lines(differences_both_ways(expected, p["raw"])), "")
        << "node-smpp read " << p["raw"].dump();

    // The text as node-smpp decodes it (GSM 03.38 for 0, Latin-1 for 3, UCS-2 for 8).
    if (!s.text.empty()) {
      const json& decoded = p["decoded"];
      const bool in_payload =
          expected.contains("tlvs") && expected["tlvs"].contains("message_payload");
      const json& message = in_payload ? decoded["message_payload"] : decoded["short_message"];
      EXPECT_EQ(message.value("message", json()).dump(), json(s.text).dump())
          << "node-smpp decoded the text as " << message.dump();
    }
  }
}

// node-smpp's fromBuffer refuses a buffer shorter than its command_length, and smppd's
// decode refuses the same truncation: both sides agree on where a PDU ends.
TEST(smppd_to_node_smpp, node_smpp_refuses_a_pdu_cut_short_like_smppd_does) {
  ASSERT_NO_FATAL_FAILURE(require_node());
  const std::vector<std::uint8_t> whole = smpp::encode(sample_named("submit_sm_ucs2").value);
  const std::vector<std::uint8_t> cut(whole.begin(), whole.end() - 3);
  const run_result r = run_node("parse", "cut " + to_hex(cut) + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<json> parsed = json_lines(r.out);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_FALSE(parsed[0].value("ok", true)) << parsed[0].dump();
  EXPECT_FALSE(smpp::decode(cut).has_value());
}

}  // namespace
}  // namespace smppd::interop
