#pragma once
// The typed configuration of one smppd node, loaded and validated once at start-up.
// Defaults are the contract's; a file only overrides what it names.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace smppd::config {

// A bad configuration: its message is one line naming the key and the problem.
// `main` turns it into that line on stderr and exit status 2.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "host:port" as written; port 0 asks the kernel for a free port. An empty listen string
// (allowed for tls_listen) means "disabled".
struct endpoint {
  std::string host;
  std::uint16_t port = 0;
  friend bool operator==(const endpoint&, const endpoint&) = default;
};

struct node_config {
  std::uint16_t id = 1;  // 0..1023: ten bits of every message id
  std::filesystem::path data_dir = "var";
};

struct smpp_config {
  endpoint listen{"0.0.0.0", 2775};
  std::optional<endpoint> tls_listen = endpoint{"0.0.0.0", 8775};
  std::filesystem::path tls_cert;  // empty: self-signed, generated once into data_dir
  std::filesystem::path tls_key;
  std::uint32_t bind_timeout_s = 30;
  std::uint32_t enquire_link_interval_s = 30;
  std::uint32_t enquire_link_timeout_s = 90;
  std::uint32_t window = 10;
  std::uint32_t max_pdu_bytes = 65536;
  std::vector<std::string> message_classes{"standard", "premium", "secret"};
  // Our extensions (docs/reference.md), with defaults so older configs keep working.
  // More protocol errors than this within a minute close a session; 0 = no limit.
  std::uint32_t max_protocol_errors = 100;
  // Failed binds per peer address and per system_id: after a failure the next password of
  // that address or system_id is checked no sooner than bind_failure_delay_ms later,
  // doubling per failure; after bind_failure_lockout_after failures, none for
  // bind_failure_lockout_s (ESME_RBINDFAIL without hashing). 0 failures = off.
  std::uint32_t bind_failure_lockout_after = 10;
  std::uint32_t bind_failure_lockout_s = 60;
  std::uint32_t bind_failure_delay_ms = 100;
  // Throttle binds from loopback addresses too (by default they are exempt).
  bool bind_failure_limit_loopback = false;
};

struct store_config {
  std::string url = "sqlite://var/smppd.db";
  // Our extension (README): "full" = an ESME_ROK survives a power loss (fsync per group
  // commit); "normal" = it survives a crash of smppd (SIGKILL) but not of the machine.
  std::string durability = "full";
  // For sqlite:// URLs, the database file resolved against the config file's directory.
  std::filesystem::path sqlite_path;
};

struct dlr_config {
  std::uint32_t max_pending_per_account = 25000;
  std::uint32_t retention_h = 48;
};

struct http_config {
  endpoint listen{"127.0.0.1", 8080};
  // Whether the file names `listen`: a configured port in use is an error (exit 2); the
  // default one in use only turns the HTTP front off, with a warning, so that configs
  // written before it existed (several servers on one host) keep working.
  bool listen_configured = false;
  std::filesystem::path tls_cert;  // both set: HTTPS on `listen`
  std::filesystem::path tls_key;
  // Bearer token of /api/admin/; "" = generated into DATA_DIR/admin_token on first start.
  std::string admin_token;
  // Our extensions (docs/reference.md): webhooks. A POST without a 2xx within the timeout
  // failed; the retry schedule (60 s ... 12 h) is multiplied by retry_scale, which only
  // tests change (e.g. 0.001: 60 ms ...).
  std::uint32_t webhook_timeout_ms = 15000;
  double webhook_retry_scale = 1.0;
  std::uint32_t webhook_concurrency = 256;  // POSTs in flight at once
  std::uint32_t threads = 2;                // HTTP io threads
};

struct simulator_rule {
  std::string prefix;  // destination address prefix; the longest match wins
  std::string status = "DELIVRD";
  std::uint32_t error = 0;
  std::uint32_t delay_ms = 0;
  bool enroute_first = false;
};

struct simulator_config {
  std::string default_status = "DELIVRD";
  std::uint32_t default_delay_ms = 50;
  std::vector<simulator_rule> rules;
};

// [[carrier]]: an upstream SMSC that smppd binds to as an ESME (contract, "Carriers").
struct carrier_config {
  std::string name;             // unique, [a-z0-9_-]+; "simulator" is the built-in one
  std::vector<endpoint> hosts;  // tried in order; back to the first when it answers again
  bool tls = false;
  bool tls_verify = true;
  std::filesystem::path tls_ca;  // resolved against the config file's folder; empty = system
  std::string system_id;
  std::string password;
  std::string system_type;
  std::string bind = "trx";  // "trx" or "tx+rx"
  std::uint32_t sessions = 1;
  std::uint32_t window = 10;
  std::uint32_t max_mps = 0;  // 0 = no limit
  std::uint32_t enquire_link_interval_s = 30;
  std::uint32_t response_timeout_s = 30;
  std::uint32_t reconnect_delay_s = 5;
  std::string long_messages = "udh";  // "udh" or "payload"
  std::uint32_t max_queue = 1000000;
};

// [[route]]: first match in file order wins; an empty list matches anything.
struct route_config {
  std::vector<std::string> prefixes;  // destination prefixes (digits)
  std::vector<std::string> accounts;  // system_ids
  std::vector<std::string> classes;   // message classes (TLV 0x2900)
  std::vector<std::string> carriers;  // names of [[carrier]]s or "simulator", in order
};

// [[mo_route]]: inbound messages to an account; the longest matching prefix wins.
struct mo_route_config {
  std::vector<std::string> prefixes;  // the MO's destination address; empty = any
  std::string account;
};

struct config {
  std::filesystem::path file;  // where it was loaded from; relative paths hang off its folder
  node_config node;
  smpp_config smpp;
  store_config store;
  dlr_config dlr;
  http_config http;
  simulator_config simulator;
  std::vector<carrier_config> carriers;
  std::vector<route_config> routes;
  std::vector<mo_route_config> mo_routes;
};

// Parses and validates; throws config_error.
config load(const std::filesystem::path& file);
config parse(std::string_view toml_text, const std::filesystem::path& file);

// "host:port" → endpoint; throws config_error naming `key`.
endpoint parse_endpoint(std::string_view text, std::string_view key);

}  // namespace smppd::config
