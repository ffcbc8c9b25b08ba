#include "cli/client_target.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "config/config.hpp"

namespace smppd::cli {

void add_client_target_options(CLI::App& command, client_target_options& o) {
  command.add_option("--host", o.hosts,
                     "server host or host:port (repeat for a list, tried in turn)");
  command.add_option("--port", o.port,
                     "server port (default: listening.json, the config's listen, 2775)");
  command.add_flag("--tls", o.tls,
                   "connect with TLS (certificate not verified unless --tls-verify)");
  command.add_flag("--tls-verify", o.tls_verify, "verify the server certificate and host name");
  command.add_option("--tls-ca", o.tls_ca, "PEM file of the CA to trust with --tls-verify");
  command.add_option("--system-id", o.system_id, "system_id to bind with");
  command.add_option("--password", o.password, "password to bind with");
  command.add_option("--system-type", o.system_type, "system_type to bind with (optional)");
}

namespace {

std::optional<client::endpoint> from_listening_json(const std::filesystem::path& data_dir,
                                                    bool tls) {
  std::ifstream in(data_dir / "listening.json");
  if (!in) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(in);
    const char* key = tls ? "smpp_tls" : "smpp";
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
    return client::parse_endpoint(j[key].get<std::string>());
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string connectable(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host;
}

}  // namespace

std::vector<client::endpoint> resolve_targets(const command_context& context,
                                              const client_target_options& o, bool config_named) {
  std::optional<config::config> cfg;
  if (config_named || std::filesystem::exists(context.config_path)) {
    cfg = config::load(context.config_path);
  }
  client::endpoint fallback{"127.0.0.1", static_cast<std::uint16_t>(o.tls ? 8775 : 2775)};
  if (cfg) {
    if (auto e = from_listening_json(cfg->node.data_dir, o.tls)) {
      fallback = *e;
    } else if (!o.tls) {
      fallback = {connectable(cfg->smpp.listen.host), cfg->smpp.listen.port};
    } else if (cfg->smpp.tls_listen) {
      fallback = {connectable(cfg->smpp.tls_listen->host), cfg->smpp.tls_listen->port};
    }
    fallback.host = connectable(fallback.host);
  }
  std::vector<client::endpoint> out;
  for (const auto& h : o.hosts) {
    if (auto e = client::parse_endpoint(h);
        e && h.find(':') != std::string::npos && std::count(h.begin(), h.end(), ':') == 1) {
      if (o.port != 0) e->port = o.port;
      out.push_back(*e);
    } else {
      out.push_back({h, o.port != 0 ? o.port : fallback.port});
    }
  }
  if (out.empty()) out.push_back({fallback.host, o.port != 0 ? o.port : fallback.port});
  return out;
}

client::session_options make_session_options(const client_target_options& o) {
  client::session_options s;
  s.tls.enabled = o.tls;
  s.tls.verify = o.tls_verify;
  s.tls.ca_file = o.tls_ca;
  s.system_id = o.system_id;
  s.password = o.password;
  s.system_type = o.system_type;
  return s;
}

}  // namespace smppd::cli
