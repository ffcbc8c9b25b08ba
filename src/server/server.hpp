#pragma once
// The SMPP front of one node: listeners on `listen` and `tls_listen`, one io_context per
// io thread (a session lives on one thread), an authentication pool for the slow password
// checks, and the graceful shutdown of the contract (SIGTERM: stop accepting, unbind every
// session, wait up to 5 s, exit).

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/account_store.hpp"
#include "server/server_context.hpp"

namespace smppd::server {

class server {
 public:
  // `sink` takes accepted messages, `receipts` feeds receiver sessions; both outlive the
  // server. New message ids are above `message_id_floor` (the highest one stored). In a
  // cluster, `cluster_binds` counts the other nodes' binds toward max_binds.
  server(const config::config& cfg, core::account_store& accounts, core::message_sink& sink,
         core::receipt_source& receipts, std::shared_ptr<spdlog::logger> log,
         std::uint64_t message_id_floor = 0, core::bind_ledger* cluster_binds = nullptr);
  ~server();

  // Message ids of this node, for other fronts (REST) beside the SMPP sessions.
  std::uint64_t next_message_id(wall_time now) { return gate_.next_message_id(now); }
  // For /metrics (any thread): bound sessions by bind_kind, refused binds and submit_sm
  // answers by status.
  std::array<std::int64_t, 3> bound_sessions() const {
    return {context_.bound[0].load(), context_.bound[1].load(), context_.bound[2].load()};
  }
  const status_tally& binds_refused() const { return context_.binds_refused; }
  const status_tally& submits() const { return gate_.submits(); }
  // For the admin API (any thread): the open sessions, and unbinding one (false: no such).
  std::vector<session_view> sessions() const;
  bool unbind(std::uint64_t session_id) const { return context_.sessions.unbind(session_id); }
  // True from listen() until shutdown begins (for /readyz).
  bool listening() const { return listening_.load(std::memory_order_relaxed); }
  // Another front's bound address, written into listening.json under `name` by listen().
  void also_listening(std::string name, std::string address) {
    other_listeners_.emplace_back(std::move(name), std::move(address));
  }

  // Binds the listeners and writes DATA_DIR/listening.json. Throws config::config_error
  // naming the key when an address cannot be used.
  void listen();
  // In a cluster, each second: throughput limits shared anew by the nodes an account is
  // bound to (from any thread).
  void refresh_cluster_shares() { registry_.refresh_shares(std::chrono::steady_clock::now()); }
  // Serves until SIGTERM or SIGINT, then shuts down gracefully.
  void run();

 private:
  asio::io_context& next_io();
  void accept_on(asio::ip::tcp::acceptor& acceptor, const char* what,
                 std::function<void(asio::ip::tcp::socket)> start);
  void write_listening_file();
  void shutdown();

  config::config config_;
  std::vector<std::unique_ptr<asio::io_context>> io_;
  std::size_t next_io_ = 0;
  asio::thread_pool auth_pool_{1};  // bind checks without the slow hash
  asio::thread_pool hash_pool_;     // the slow hashes (scrypt)
  bind_registry registry_;
  authenticator auth_;
  node_submit_gate gate_;
  server_context context_;
  std::optional<asio::ip::tcp::acceptor> plain_;
  std::optional<asio::ip::tcp::acceptor> tls_;
  std::optional<asio::ssl::context> tls_context_;
  std::vector<std::pair<std::string, std::string>> other_listeners_;
  std::atomic<bool> listening_{false};
};

}  // namespace smppd::server
