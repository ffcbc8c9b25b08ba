#pragma once
// Where the client subcommands (send, bench) connect and how they bind: the shared options
// and their resolution against the config and a running server's listening.json.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "client/session.hpp"

namespace smppd::cli {

struct client_target_options {
  std::vector<std::string> hosts;  // "host" or "host:port"; empty: from the config
  std::uint16_t port = 0;          // 0: from listening.json, the config, or 2775/8775
  bool tls = false;
  bool tls_verify = false;
  std::string tls_ca;
  std::string system_id;
  std::string password;
  std::string system_type;
};

void add_client_target_options(CLI::App& command, client_target_options& o);

// The servers to try, in order. Precedence: --host/--port, then DATA_DIR/listening.json of a
// running server, then the config's listen address, then 127.0.0.1:2775 (8775 with TLS). A
// missing default config is fine; a named one must load (config_error, exit 2).
std::vector<client::endpoint> resolve_targets(const command_context& context,
                                              const client_target_options& o, bool config_named);

client::session_options make_session_options(const client_target_options& o);

}  // namespace smppd::cli
