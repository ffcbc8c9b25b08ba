#pragma once
// The HTTP front of one node on `[http] listen` (HTTPS with tls_cert/tls_key): RESTinio on
// its own io_context and threads, with the limits that keep hostile clients cheap (bodies,
// slow or idle connections, connection count). It routes; rest_api decides.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace smppd::http {

class rest_api;
class admin_api;

// What the operations routes ask the rest of the process (cli/serve provides them).
struct operations_hooks {
  std::function<std::string()> metrics;  // the /metrics page
  std::function<bool()> ready;           // /readyz: listening and the store answers
  admin_api* admin = nullptr;            // /api/admin/...
};

// Requests served, by route and status (for /metrics).
struct route_count {
  std::string route;
  int status = 0;
  std::uint64_t count = 0;
};

struct http_settings {
  config::endpoint listen;
  std::filesystem::path tls_cert;  // both set: HTTPS
  std::filesystem::path tls_key;
  unsigned threads = 2;
  std::size_t max_connections = 20000;
  // A request must arrive whole within this after the connection is idle (slow clients,
  // and idle keep-alive connections, are closed after it).
  std::chrono::seconds read_timeout{15};
  std::chrono::seconds handle_timeout{30};  // the answer (durable) within this
  std::chrono::seconds write_timeout{10};
};

class http_server {
 public:
  http_server(http_settings settings, rest_api& api, operations_hooks operations,
              std::shared_ptr<spdlog::logger> log);
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;
  ~http_server();

  // Binds and starts serving; returns the bound "host:port". Throws config::config_error
  // naming http.listen (or the TLS files) when it cannot.
  std::string start();
  // Closes the listener and every connection, then joins the threads.
  void stop();

  std::vector<route_count> requests() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace smppd::http
