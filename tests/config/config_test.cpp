#include "config/config.hpp"

#include <gtest/gtest.h>

namespace {

using smppd::config::config_error;
using smppd::config::parse;

const std::filesystem::path conf_file = "/etc/smppd/smppd.toml";

TEST(config_parse, an_empty_file_gives_the_contract_defaults) {
  const auto c = parse("", conf_file);
  EXPECT_EQ(c.node.id, 1);
  EXPECT_EQ(c.node.data_dir, "/etc/smppd/var");
  EXPECT_EQ(c.smpp.listen.port, 2775);
  ASSERT_TRUE(c.smpp.tls_listen);
  EXPECT_EQ(c.smpp.tls_listen->port, 8775);
  EXPECT_EQ(c.smpp.window, 10u);
  EXPECT_EQ(c.smpp.max_pdu_bytes, 65536u);
  EXPECT_EQ(c.smpp.message_classes.size(), 3u);
  EXPECT_EQ(c.store.sqlite_path, "/etc/smppd/var/smppd.db");
  EXPECT_EQ(c.dlr.max_pending_per_account, 25000u);
  EXPECT_EQ(c.dlr.retention_h, 48u);
  EXPECT_EQ(c.simulator.default_status, "DELIVRD");
}

TEST(config_parse, flood_limits_have_defaults_and_are_read) {
  const auto d = parse("", conf_file);
  EXPECT_EQ(d.smpp.max_protocol_errors, 100u);
  EXPECT_EQ(d.smpp.bind_failure_lockout_after, 10u);
  EXPECT_EQ(d.smpp.bind_failure_lockout_s, 60u);
  EXPECT_EQ(d.smpp.bind_failure_delay_ms, 100u);
  const auto c = parse(
      "[smpp]\nmax_protocol_errors = 0\nbind_failure_lockout_after = 3\n"
      "bind_failure_lockout_s = 600\nbind_failure_delay_ms = 0\n",
      conf_file);
  EXPECT_EQ(c.smpp.max_protocol_errors, 0u);
  EXPECT_EQ(c.smpp.bind_failure_lockout_after, 3u);
  EXPECT_EQ(c.smpp.bind_failure_lockout_s, 600u);
  EXPECT_EQ(c.smpp.bind_failure_delay_ms, 0u);
}

TEST(config_parse, rejects_flood_limits_out_of_bounds_naming_the_key) {
  try {
    parse("[smpp]\nbind_failure_lockout_s = 0\n", conf_file);
    FAIL() << "accepted a lockout of 0 s";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("smpp.bind_failure_lockout_s"), std::string::npos);
  }
  EXPECT_THROW(parse("[smpp]\nmax_protocol_errors = -1\n", conf_file), config_error);
}

TEST(config_parse, reads_the_shipped_example) {
  const auto c = smppd::config::load(SMPPD_SOURCE_DIR "/config/smppd.toml");
  ASSERT_EQ(c.simulator.rules.size(), 1u);
  EXPECT_EQ(c.simulator.rules[0].prefix, "4599");
  EXPECT_EQ(c.simulator.rules[0].status, "UNDELIV");
  EXPECT_EQ(c.simulator.rules[0].error, 0x107Eu);
  EXPECT_EQ(c.http.listen, (smppd::config::endpoint{"127.0.0.1", 8080}));
}

TEST(config_parse, rejects_an_unknown_key_naming_it) {
  try {
    parse("[smpp]\nwindw = 5\n", conf_file);
    FAIL() << "accepted an unknown key";
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(), "smpp.windw: unknown key");
  }
}

TEST(config_parse, rejects_an_unknown_section) {
  EXPECT_THROW(parse("[smtp]\nlisten = \"x:1\"\n", conf_file), config_error);
}

TEST(config_parse, rejects_an_unknown_key_in_a_simulator_rule) {
  EXPECT_THROW(parse("[[simulator.rule]]\nprefix = \"45\"\nstatuss = \"DELIVRD\"\n", conf_file),
               config_error);
}

TEST(config_parse, rejects_node_id_above_1023) {
  EXPECT_NO_THROW(parse("[node]\nid = 1023\n", conf_file));
  EXPECT_THROW(parse("[node]\nid = 1024\n", conf_file), config_error);
  EXPECT_THROW(parse("[node]\nid = -1\n", conf_file), config_error);
}

TEST(config_parse, rejects_a_window_of_zero) {
  EXPECT_THROW(parse("[smpp]\nwindow = 0\n", conf_file), config_error);
}

TEST(config_parse, an_empty_tls_listen_disables_tls) {
  const auto c = parse("[smpp]\ntls_listen = \"\"\n", conf_file);
  EXPECT_FALSE(c.smpp.tls_listen);
}

TEST(config_parse, port_zero_is_allowed_for_a_free_port) {
  const auto c = parse("[smpp]\nlisten = \"127.0.0.1:0\"\n", conf_file);
  EXPECT_EQ(c.smpp.listen, (smppd::config::endpoint{"127.0.0.1", 0}));
}

TEST(config_parse, rejects_a_listen_address_without_port) {
  EXPECT_THROW(parse("[smpp]\nlisten = \"127.0.0.1\"\n", conf_file), config_error);
  EXPECT_THROW(parse("[smpp]\nlisten = \"127.0.0.1:65536\"\n", conf_file), config_error);
}

TEST(config_parse, accepts_a_bracketed_ipv6_listen_address) {
  const auto c = parse("[smpp]\nlisten = \"[::1]:2775\"\n", conf_file);
  EXPECT_EQ(c.smpp.listen, (smppd::config::endpoint{"::1", 2775}));
}

TEST(config_parse, rejects_a_wrong_type) {
  EXPECT_THROW(parse("[smpp]\nwindow = \"ten\"\n", conf_file), config_error);
}

TEST(config_parse, rejects_an_unknown_simulator_status) {
  EXPECT_THROW(parse("[simulator]\ndefault_status = \"DELIVERED\"\n", conf_file), config_error);
}

TEST(config_parse, absolute_sqlite_path_is_kept) {
  const auto c = parse("[store]\nurl = \"sqlite:///tmp/x.db\"\n", conf_file);
  EXPECT_EQ(c.store.sqlite_path, "/tmp/x.db");
}

TEST(config_parse, rejects_an_unknown_store_scheme) {
  EXPECT_THROW(parse("[store]\nurl = \"mysql://x\"\n", conf_file), config_error);
}

TEST(config_parse, reports_toml_syntax_errors_with_the_line) {
  try {
    parse("[node]\nid = = 3\n", conf_file);
    FAIL();
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("smppd.toml:2"), std::string::npos) << e.what();
  }
}

}  // namespace
