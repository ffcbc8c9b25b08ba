#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace smppd::config {
namespace {

[[noreturn]] void fail(std::string_view key, std::string_view problem) {
  throw config_error(std::string(key) + ": " + std::string(problem));
}

// Reads the keys of one table, remembering which it consumed, so that anything left over
// is reported as unknown: a typo in a key must not silently fall back to a default.
class table_reader {
 public:
  table_reader(const toml::table& table, std::string prefix)
      : table_(table), prefix_(std::move(prefix)) {}

  std::string key_name(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  const toml::node* take(std::string_view key) {
    seen_.insert(std::string(key));
    return table_.get(key);
  }
  bool has(std::string_view key) const { return table_.get(key) != nullptr; }

  template <class Unsigned>
  void read_unsigned(std::string_view key, Unsigned& out, std::uint64_t min = 0,
                     std::uint64_t max = std::numeric_limits<Unsigned>::max()) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    const auto value = node->value<std::int64_t>();
    if (!node->is_integer() || !value) fail(key_name(key), "expected an integer");
    if (*value < 0 || static_cast<std::uint64_t>(*value) < min ||
        static_cast<std::uint64_t>(*value) > max) {
      fail(key_name(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = static_cast<Unsigned>(*value);
  }

  void read_string(std::string_view key, std::string& out) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    if (!node->is_string()) fail(key_name(key), "expected a string");
    out = *node->value<std::string>();
  }

  void read_path(std::string_view key, std::filesystem::path& out) {
    std::string text = out.string();
    read_string(key, text);
    out = text;
  }

  void read_bool(std::string_view key, bool& out) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    if (!node->is_boolean()) fail(key_name(key), "expected true or false");
    out = *node->value<bool>();
  }

  void read_strings(std::string_view key, std::vector<std::string>& out) {
    const toml::node* node = take(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(key_name(key), "expected an array of strings");
    out.clear();
    for (const toml::node& element : *array) {
      if (!element.is_string()) fail(key_name(key), "expected an array of strings");
      out.push_back(*element.value<std::string>());
    }
  }

  const toml::table* sub_table(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) fail(key_name(key), "expected a table");
    return node->as_table();
  }

  const toml::array* table_array(std::string_view key) {
    const toml::node* node = take(key);
    if (node == nullptr) return nullptr;
    if (!node->is_array_of_tables())
      fail(key_name(key), "expected [[" + key_name(key) + "]] tables");
    return node->as_array();
  }

  void reject_unknown() const {
    for (const auto& [key, value] : table_) {
      if (!seen_.contains(std::string(key.str()))) fail(key_name(key.str()), "unknown key");
    }
  }

 private:
  const toml::table& table_;
  std::string prefix_;
  std::set<std::string> seen_;
};

void read_endpoint(table_reader& reader, std::string_view key, endpoint& out) {
  const toml::node* node = reader.take(key);
  if (node == nullptr) return;
  if (!node->is_string()) fail(reader.key_name(key), "expected \"host:port\"");
  out = parse_endpoint(*node->value<std::string>(), reader.key_name(key));
}

bool is_receipt_status(std::string_view status) {
  static constexpr std::string_view statuses[] = {"DELIVRD", "EXPIRED", "UNDELIV", "ACCEPTD",
                                                  "UNKNOWN", "REJECTD", "BUFFERD", "ENROUTE"};
  for (auto s : statuses) {
    if (s == status) return true;
  }
  return false;
}

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void read_section(table_reader& root, std::string_view name, auto&& read_keys) {
  if (const toml::table* table = root.sub_table(name)) {
    table_reader reader(*table, std::string(name));
    read_keys(reader);
    reader.reject_unknown();
  }
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::filesystem::path& p) {
  if (p.empty() || p.is_absolute()) return p;
  return base / p;
}

carrier_config read_carrier(const toml::table& table) {
  table_reader r(table, "carrier");
  carrier_config k;
  r.read_string("name", k.name);
  if (const toml::node* hosts = r.take("hosts")) {
    const toml::array* list = hosts->as_array();
    if (list == nullptr) fail("carrier.hosts", "expected an array of \"host:port\"");
    for (const toml::node& h : *list) {
      if (!h.is_string()) fail("carrier.hosts", "expected an array of \"host:port\"");
      k.hosts.push_back(parse_endpoint(*h.value<std::string>(), "carrier.hosts"));
    }
  }
  r.read_bool("tls", k.tls);
  r.read_bool("tls_verify", k.tls_verify);
  r.read_path("tls_ca", k.tls_ca);
  r.read_string("system_id", k.system_id);
  r.read_string("password", k.password);
  r.read_string("system_type", k.system_type);
  r.read_string("bind", k.bind);
  r.read_unsigned("sessions", k.sessions, 1, 64);
  r.read_unsigned("window", k.window, 1, 65535);
  r.read_unsigned("max_mps", k.max_mps);
  r.read_unsigned("enquire_link_interval_s", k.enquire_link_interval_s, 0, 86400);
  r.read_unsigned("response_timeout_s", k.response_timeout_s, 1, 3600);
  r.read_unsigned("reconnect_delay_s", k.reconnect_delay_s, 1, 3600);
  r.read_string("long_messages", k.long_messages);
  r.read_unsigned("max_queue", k.max_queue, 1);
  r.reject_unknown();
  return k;
}

bool is_carrier_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

void validate_carriers(const config& c) {
  std::set<std::string> names;
  for (const auto& k : c.carriers) {
    const std::string key = "carrier \"" + k.name + "\"";
    if (!is_carrier_name(k.name))
      fail("carrier.name", "expected [a-z0-9_-]+, got \"" + k.name + "\"");
    if (k.name == "simulator") fail("carrier.name", "\"simulator\" is the built-in carrier");
    if (!names.insert(k.name).second) fail("carrier.name", "\"" + k.name + "\" is defined twice");
    if (k.hosts.empty()) fail(key + ".hosts", "at least one \"host:port\"");
    for (const auto& h : k.hosts) {
      if (h.port == 0) fail(key + ".hosts", "port 0 is not a carrier's port");
    }
    if (k.bind != "trx" && k.bind != "tx+rx") fail(key + ".bind", "expected \"trx\" or \"tx+rx\"");
    if (k.long_messages != "udh" && k.long_messages != "payload") {
      fail(key + ".long_messages", "expected \"udh\" or \"payload\"");
    }
    // The SMPP 3.4 bind field sizes (section 4.1.1), NUL excluded.
    if (k.system_id.empty() || k.system_id.size() > 15)
      fail(key + ".system_id", "1 to 15 characters");
    if (k.password.size() > 8) fail(key + ".password", "at most 8 characters");
    if (k.system_type.size() > 12) fail(key + ".system_type", "at most 12 characters");
  }
  for (const auto& r : c.routes) {
    if (r.carriers.empty()) fail("route.carriers", "at least one carrier");
    for (const auto& name : r.carriers) {
      if (name != "simulator" && !names.contains(name)) {
        fail("route.carriers", "no [[carrier]] named \"" + name + "\"");
      }
    }
    for (const auto& p : r.prefixes) {
      if (p.empty() || !all_digits(p)) fail("route.prefixes", "must be digits, got \"" + p + "\"");
    }
    for (const auto& cls : r.classes) {
      if (std::find(c.smpp.message_classes.begin(), c.smpp.message_classes.end(), cls) ==
          c.smpp.message_classes.end()) {
        fail("route.classes", "\"" + cls + "\" is not in smpp.message_classes");
      }
    }
  }
  for (const auto& r : c.mo_routes) {
    if (r.account.empty()) fail("mo_route.account", "an account's system_id is required");
    for (const auto& p : r.prefixes) {
      if (p.empty() || !all_digits(p))
        fail("mo_route.prefixes", "must be digits, got \"" + p + "\"");
    }
  }
}

void validate(config& c) {
  validate_carriers(c);
  if (c.smpp.window == 0) fail("smpp.window", "must be at least 1");
  if (c.smpp.max_pdu_bytes < 16) fail("smpp.max_pdu_bytes", "must be at least 16");
  if (c.smpp.enquire_link_timeout_s == 0) fail("smpp.enquire_link_timeout_s", "must be positive");
  for (const auto& cls : c.smpp.message_classes) {
    if (cls.empty()) fail("smpp.message_classes", "an empty class name");
  }
  if (c.dlr.max_pending_per_account == 0) fail("dlr.max_pending_per_account", "must be at least 1");
  if (!is_receipt_status(c.simulator.default_status)) {
    fail("simulator.default_status", "unknown status \"" + c.simulator.default_status + "\"");
  }
  for (const auto& rule : c.simulator.rules) {
    if (rule.prefix.empty() || !all_digits(rule.prefix)) {
      fail("simulator.rule.prefix", "must be digits, got \"" + rule.prefix + "\"");
    }
    if (!is_receipt_status(rule.status)) {
      fail("simulator.rule.status", "unknown status \"" + rule.status + "\"");
    }
  }
  if (c.store.durability != "full" && c.store.durability != "normal") {
    fail("store.durability", "expected \"full\" or \"normal\", got \"" + c.store.durability + "\"");
  }
  constexpr std::string_view sqlite_scheme = "sqlite://";
  if (c.store.url.starts_with(sqlite_scheme)) {
    const std::filesystem::path db = c.store.url.substr(sqlite_scheme.size());
    if (db.empty()) fail("store.url", "sqlite:// needs a file path");
    c.store.sqlite_path = resolve(c.file.parent_path(), db);
  } else if (!c.store.url.starts_with("postgresql://")) {
    fail("store.url", "expected sqlite://PATH or postgresql://...");
  }
}

}  // namespace

endpoint parse_endpoint(std::string_view text, std::string_view key) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) fail(key, "expected \"host:port\"");
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:2775
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    fail(key, "invalid port in \"" + std::string(text) + "\"");
  }
  return endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

config parse(std::string_view toml_text, const std::filesystem::path& file) {
  toml::table root_table;
  try {
    root_table = toml::parse(toml_text, file.string());
  } catch (const toml::parse_error& e) {
    throw config_error(file.string() + ":" + std::to_string(e.source().begin.line) + ": " +
                       std::string(e.description()));
  }
  config c;
  c.file = file;
  table_reader root(root_table, "");
  read_section(root, "node", [&](table_reader& r) {
    r.read_unsigned("id", c.node.id, 0, 1023);
    r.read_path("data_dir", c.node.data_dir);
  });
  read_section(root, "smpp", [&](table_reader& r) {
    read_endpoint(r, "listen", c.smpp.listen);
    if (const toml::node* tls = r.take("tls_listen")) {
      if (!tls->is_string()) fail("smpp.tls_listen", "expected a string");
      const std::string text = *tls->value<std::string>();
      c.smpp.tls_listen =
          text.empty() ? std::nullopt : std::optional(parse_endpoint(text, "smpp.tls_listen"));
    }
    r.read_path("tls_cert", c.smpp.tls_cert);
    r.read_path("tls_key", c.smpp.tls_key);
    r.read_unsigned("bind_timeout_s", c.smpp.bind_timeout_s);
    r.read_unsigned("enquire_link_interval_s", c.smpp.enquire_link_interval_s);
    r.read_unsigned("enquire_link_timeout_s", c.smpp.enquire_link_timeout_s);
    r.read_unsigned("window", c.smpp.window, 1, 65535);
    r.read_unsigned("max_pdu_bytes", c.smpp.max_pdu_bytes, 16, 16 * 1024 * 1024);
    r.read_strings("message_classes", c.smpp.message_classes);
    r.read_unsigned("max_protocol_errors", c.smpp.max_protocol_errors, 0, 1000000);
    r.read_unsigned("bind_failure_lockout_after", c.smpp.bind_failure_lockout_after, 0, 1000000);
    r.read_unsigned("bind_failure_lockout_s", c.smpp.bind_failure_lockout_s, 1, 86400);
    r.read_unsigned("bind_failure_delay_ms", c.smpp.bind_failure_delay_ms, 0, 3600000);
    r.read_bool("bind_failure_limit_loopback", c.smpp.bind_failure_limit_loopback);
  });
  read_section(root, "store", [&](table_reader& r) {
    r.read_string("url", c.store.url);
    r.read_string("durability", c.store.durability);
  });
  read_section(root, "dlr", [&](table_reader& r) {
    r.read_unsigned("max_pending_per_account", c.dlr.max_pending_per_account);
    r.read_unsigned("retention_h", c.dlr.retention_h);
  });
  read_section(root, "http", [&](table_reader& r) {
    c.http.listen_configured = r.has("listen");
    read_endpoint(r, "listen", c.http.listen);
    r.read_path("tls_cert", c.http.tls_cert);
    r.read_path("tls_key", c.http.tls_key);
    r.read_string("admin_token", c.http.admin_token);
    r.read_unsigned("webhook_timeout_ms", c.http.webhook_timeout_ms, 10, 600000);
    r.read_unsigned("webhook_concurrency", c.http.webhook_concurrency, 1, 100000);
    r.read_unsigned("threads", c.http.threads, 1, 64);
    if (const toml::node* scale = r.take("webhook_retry_scale")) {
      const auto v = scale->value<double>();
      if (!v || *v <= 0 || *v > 1) fail("http.webhook_retry_scale", "expected a number in (0, 1]");
      c.http.webhook_retry_scale = *v;
    }
  });
  read_section(root, "simulator", [&](table_reader& r) {
    r.read_string("default_status", c.simulator.default_status);
    r.read_unsigned("default_delay_ms", c.simulator.default_delay_ms);
    if (const toml::array* rules = r.table_array("rule")) {
      for (const toml::node& node : *rules) {
        table_reader rr(*node.as_table(), "simulator.rule");
        simulator_rule rule;
        rr.read_string("prefix", rule.prefix);
        rr.read_string("status", rule.status);
        rr.read_unsigned("error", rule.error);
        rr.read_unsigned("delay_ms", rule.delay_ms);
        rr.read_bool("enroute_first", rule.enroute_first);
        rr.reject_unknown();
        c.simulator.rules.push_back(std::move(rule));
      }
    }
  });
  if (const toml::array* carriers = root.table_array("carrier")) {
    for (const toml::node& node : *carriers) c.carriers.push_back(read_carrier(*node.as_table()));
  }
  if (const toml::array* routes = root.table_array("route")) {
    for (const toml::node& node : *routes) {
      table_reader r(*node.as_table(), "route");
      route_config route;
      r.read_strings("prefixes", route.prefixes);
      r.read_strings("accounts", route.accounts);
      r.read_strings("classes", route.classes);
      r.read_strings("carriers", route.carriers);
      r.reject_unknown();
      c.routes.push_back(std::move(route));
    }
  }
  if (const toml::array* routes = root.table_array("mo_route")) {
    for (const toml::node& node : *routes) {
      table_reader r(*node.as_table(), "mo_route");
      mo_route_config route;
      r.read_strings("prefixes", route.prefixes);
      r.read_string("account", route.account);
      r.reject_unknown();
      c.mo_routes.push_back(std::move(route));
    }
  }
  root.reject_unknown();

  const std::filesystem::path base = file.parent_path();
  for (auto& carrier : c.carriers) carrier.tls_ca = resolve(base, carrier.tls_ca);
  c.node.data_dir = resolve(base, c.node.data_dir);
  c.smpp.tls_cert = resolve(base, c.smpp.tls_cert);
  c.smpp.tls_key = resolve(base, c.smpp.tls_key);
  c.http.tls_cert = resolve(base, c.http.tls_cert);
  c.http.tls_key = resolve(base, c.http.tls_key);
  validate(c);
  return c;
}

config load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw config_error(file.string() + ": cannot read the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), std::filesystem::absolute(file));
}

}  // namespace smppd::config
