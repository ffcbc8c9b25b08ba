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
  EXPECT_FALSE(d.smpp.bind_failure_limit_loopback);
  const auto c = parse(
      "[smpp]\nmax_protocol_errors = 0\nbind_failure_lockout_after = 3\n"
      "bind_failure_lockout_s = 600\nbind_failure_delay_ms = 0\n"
      "bind_failure_limit_loopback = true\n",
      conf_file);
  EXPECT_EQ(c.smpp.max_protocol_errors, 0u);
  EXPECT_EQ(c.smpp.bind_failure_lockout_after, 3u);
  EXPECT_EQ(c.smpp.bind_failure_lockout_s, 600u);
  EXPECT_EQ(c.smpp.bind_failure_delay_ms, 0u);
  EXPECT_TRUE(c.smpp.bind_failure_limit_loopback);
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

namespace carriers {

const std::string valid = R"(
[smpp]
message_classes = ["standard", "premium"]
[[carrier]]
name = "telco-a"
hosts = ["10.0.0.5:2775", "[::1]:2776"]
tls = true
tls_ca = "ca.pem"
system_id = "gw"
password = "secret"
bind = "tx+rx"
sessions = 2
window = 20
max_mps = 100
long_messages = "payload"
max_queue = 5
[[route]]
prefixes = ["45"]
classes = ["premium"]
carriers = ["telco-a", "simulator"]
[[mo_route]]
prefixes = ["4512345"]
account = "acme"
)";

TEST(config_carriers, a_full_example_is_read) {
  const auto c = parse(valid, conf_file);
  ASSERT_EQ(c.carriers.size(), 1u);
  const auto& k = c.carriers.front();
  EXPECT_EQ(k.name, "telco-a");
  ASSERT_EQ(k.hosts.size(), 2u);
  EXPECT_EQ(k.hosts[1].host, "::1");
  EXPECT_EQ(k.hosts[1].port, 2776);
  EXPECT_TRUE(k.tls);
  EXPECT_TRUE(k.tls_verify);
  EXPECT_EQ(k.tls_ca, "/etc/smppd/ca.pem");
  EXPECT_EQ(k.bind, "tx+rx");
  EXPECT_EQ(k.sessions, 2u);
  EXPECT_EQ(k.window, 20u);
  EXPECT_EQ(k.max_mps, 100u);
  EXPECT_EQ(k.response_timeout_s, 30u);
  EXPECT_EQ(k.reconnect_delay_s, 5u);
  EXPECT_EQ(k.long_messages, "payload");
  EXPECT_EQ(k.max_queue, 5u);
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_EQ(c.routes[0].carriers, (std::vector<std::string>{"telco-a", "simulator"}));
  ASSERT_EQ(c.mo_routes.size(), 1u);
  EXPECT_EQ(c.mo_routes[0].account, "acme");
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    parse(text, conf_file);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

std::string with(const std::string& from, const std::string& to) {
  std::string s = valid;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(config_carriers, bad_values_are_refused_naming_the_key) {
  expect_error(with("name = \"telco-a\"", "name = \"Telco A\""), "carrier.name");
  expect_error(with("name = \"telco-a\"", "name = \"simulator\""), "built-in");
  expect_error(with("hosts = [\"10.0.0.5:2775\", \"[::1]:2776\"]", "hosts = []"), "hosts");
  expect_error(with("bind = \"tx+rx\"", "bind = \"rx\""), "bind");
  expect_error(with("long_messages = \"payload\"", "long_messages = \"sar\""), "long_messages");
  expect_error(with("password = \"secret\"", "password = \"123456789\""), "password");
  expect_error(with("system_id = \"gw\"", "system_id = \"\""), "system_id");
  expect_error(with("sessions = 2", "sessions = 0"), "sessions");
  expect_error(with("max_queue = 5", "max_queue = 0"), "max_queue");
  expect_error(with("window = 20", "windows = 20"), "unknown key");
  expect_error(with("carriers = [\"telco-a\", \"simulator\"]", "carriers = [\"telco-b\"]"),
               "telco-b");
  expect_error(with("carriers = [\"telco-a\", \"simulator\"]", "carriers = []"), "route.carriers");
  expect_error(with("classes = [\"premium\"]", "classes = [\"secret\"]"), "route.classes");
  expect_error(with("prefixes = [\"45\"]", "prefixes = [\"+45\"]"), "route.prefixes");
  expect_error(with("account = \"acme\"", "account = \"\""), "mo_route.account");
  expect_error(valid + "[[carrier]]\nname = \"telco-a\"\nhosts = [\"h:1\"]\nsystem_id = \"x\"\n",
               "twice");
}

}  // namespace carriers
