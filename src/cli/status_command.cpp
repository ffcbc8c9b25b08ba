// smppd status: the overview an operator on the box wants first (sessions, queues,
// carriers, what flowed), read from a running server's admin API and /metrics.
#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/command.hpp"
#include "config/config.hpp"

namespace smppd::cli {
namespace {

using json = nlohmann::json;

struct status_options {
  std::string url;    // http://host:port; "" = from listening.json or the config
  std::string token;  // "" = from the config or DATA_DIR/admin_token
  bool as_json = false;
};

struct response {
  long status = 0;
  std::string body;
  std::string error;  // the transfer failed: why
};

response http_get(const std::string& url, const std::string& bearer) {
  response out;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {0, {}, "cannot start libcurl"};
  const std::string header = "Authorization: Bearer " + bearer;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, header.c_str()), curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 0L);  // the operator's own box
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(
      curl.get(), CURLOPT_WRITEFUNCTION,
      +[](char* data, std::size_t size, std::size_t n, void* body) -> std::size_t {
        static_cast<std::string*>(body)->append(data, size * n);
        return size * n;
      });
  if (const auto rc = curl_easy_perform(curl.get()); rc != CURLE_OK) {
    out.error = curl_easy_strerror(rc);
    return out;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

// The running server's HTTP address: listening.json (port 0 configs), else the config.
std::string server_url(const config::config& cfg) {
  const std::string scheme = cfg.http.tls_cert.empty() ? "http://" : "https://";
  std::ifstream in(cfg.node.data_dir / "listening.json");
  const auto listening = json::parse(in, nullptr, false);
  if (!listening.is_discarded() && listening.contains("http"))
    return scheme + listening["http"].get<std::string>();
  const std::string host = cfg.http.listen.host == "0.0.0.0" ? "127.0.0.1" : cfg.http.listen.host;
  return scheme + host + ":" + std::to_string(cfg.http.listen.port);
}

std::string admin_token(const config::config& cfg) {
  if (!cfg.http.admin_token.empty()) return cfg.http.admin_token;
  std::ifstream in(cfg.node.data_dir / "admin_token");
  std::string token;
  std::getline(in, token);
  return token;
}

// Prometheus text: the sum of a family's samples (all label sets), by family name.
std::map<std::string, double> metric_sums(const std::string& page) {
  std::map<std::string, double> out;
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    auto name = line.substr(0, std::min(line.find('{'), space));
    try {
      out[name] += std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
    }
  }
  return out;
}

void print_overview(const std::string& url, bool ready, const json& sessions, const json& queues,
                    const json& carriers, const std::map<std::string, double>& m) {
  const auto get = [&](const char* name) {
    const auto it = m.find(name);
    return it == m.end() ? 0.0 : it->second;
  };
  std::printf("smppd at %s: %s\n", url.c_str(), ready ? "ready" : "NOT READY");
  std::printf(
      "messages: %.0f submit_sm answered, %.0f final; %.0f receipts pending, %.0f "
      "dropped; %.0f webhooks pending\n",
      get("smppd_submit_sm_total"), get("smppd_messages_final_total"),
      get("smppd_receipts_pending"), get("smppd_receipts_dropped_total"),
      get("smppd_webhooks_pending"));
  std::printf("\nsessions: %zu\n", sessions.size());
  if (!sessions.empty()) {
    std::printf("  %-8s %-16s %-12s %-22s %8s %10s %9s\n", "ID", "ACCOUNT", "BIND", "PEER",
                "SUBMITS", "DELIVERIES", "IN-FLIGHT");
    for (const auto& s : sessions) {
      std::printf("  %-8llu %-16s %-12s %-22s %8llu %10llu %9llu\n",
                  static_cast<unsigned long long>(s.value("id", 0ULL)),
                  s.value("system_id", "").c_str(), s.value("bind", "").c_str(),
                  s.value("peer", "").c_str(),
                  static_cast<unsigned long long>(s.value("submits", 0ULL)),
                  static_cast<unsigned long long>(s.value("deliveries", 0ULL)),
                  static_cast<unsigned long long>(s.value("in_flight", 0ULL)));
    }
  }
  std::printf("\nqueues: %llu messages waiting (%llu in the store)\n",
              static_cast<unsigned long long>(queues.value("messages_waiting_in_memory", 0ULL)),
              static_cast<unsigned long long>(queues.value("messages_waiting_in_store", 0ULL)));
  for (const auto& a : queues.value("accounts", json::array())) {
    std::printf("  %-16s %llu receipts pending, %llu receivers\n", a.value("system_id", "").c_str(),
                static_cast<unsigned long long>(a.value("receipts_pending", 0ULL)),
                static_cast<unsigned long long>(a.value("receivers", 0ULL)));
  }
  std::printf("\ncarriers: %s\n", carriers.empty() ? "none configured (the simulator)" : "");
  for (const auto& c : carriers) {
    std::printf("  %-16s %llu sessions, %llu queued, %llu in flight%s\n",
                c.value("name", "").c_str(),
                static_cast<unsigned long long>(c.value("sessions", 0ULL)),
                static_cast<unsigned long long>(c.value("queue", 0ULL)),
                static_cast<unsigned long long>(c.value("in_flight", 0ULL)),
                c.value("sessions", 0ULL) == 0 ? "  DOWN" : "");
  }
}

int run_status(const command_context& context, const status_options& options) {
  const auto cfg = config::load(context.config_path);
  const std::string url = options.url.empty() ? server_url(cfg) : options.url;
  const std::string token = options.token.empty() ? admin_token(cfg) : options.token;
  json parts;
  for (const char* what : {"sessions", "queues", "carriers"}) {
    const auto r = http_get(url + "/api/admin/" + what, token);
    if (!r.error.empty()) {
      std::fprintf(stderr, "smppd: no server at %s: %s\n", url.c_str(), r.error.c_str());
      return exit_failed;
    }
    if (r.status == 401) {
      std::fprintf(stderr,
                   "smppd: the admin token was refused (--admin-token, [http] "
                   "admin_token or DATA_DIR/admin_token)\n");
      return exit_failed;
    }
    parts[what] = json::parse(r.body, nullptr, false);
    if (r.status != 200 || parts[what].is_discarded()) {
      std::fprintf(stderr, "smppd: %s/api/admin/%s answered HTTP %ld\n", url.c_str(), what,
                   r.status);
      return exit_failed;
    }
  }
  const bool ready = http_get(url + "/readyz", token).status == 200;
  const auto metrics = metric_sums(http_get(url + "/metrics", token).body);
  if (options.as_json) {
    parts["url"] = url;
    parts["ready"] = ready;
    parts["metrics"] = metrics;
    std::printf("%s\n", parts.dump(2).c_str());
  } else {
    print_overview(url, ready, parts["sessions"], parts["queues"], parts["carriers"], metrics);
  }
  return exit_ok;
}

}  // namespace

void register_status_command(CLI::App& app, command_context& context, command_runner& runner) {
  CLI::App* status = app.add_subcommand(
      "status", "overview of a running server: sessions, queues, carriers (admin API)");
  add_config_option(*status, context);
  auto options = std::make_shared<status_options>();
  status->add_option("--url", options->url,
                     "the server's HTTP address (default: listening.json, then [http] listen)");
  status->add_option("--admin-token", options->token,
                     "admin token (default: [http] admin_token, then DATA_DIR/admin_token)");
  status->add_flag("--json", options->as_json, "print JSON");
  status->callback([&context, &runner, options] {
    runner = [&context, options] { return run_status(context, *options); };
  });
}

}  // namespace smppd::cli
