#pragma once
// What every session shares: settings, the services behind the SMPP front, and the list
// of live sessions that shutdown walks. Owned by `server`; sessions hold a reference.

#include <spdlog/logger.h>

#include <array>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/message_id.hpp"
#include "common/status_tally.hpp"
#include "core/message_sink.hpp"
#include "core/receipt_source.hpp"
#include "server/authenticator.hpp"
#include "server/bind_registry.hpp"
#include "server/session_core.hpp"

namespace smppd::server {

// The node's submit_gate: each account's throughput limit, shared by its sessions
// (bind_registry), and message ids for all sessions of this node.
class node_submit_gate final : public submit_gate {
 public:
  node_submit_gate(bind_registry& registry, message_id_generator ids)
      : registry_(registry), ids_(ids) {}
  bool try_submit(const std::string& system_id, steady_time now) override {
    return registry_.try_submit(system_id, now);
  }
  std::uint64_t next_message_id(wall_time now) override {
    std::lock_guard lock(mutex_);
    return ids_.next(now);
  }
  void submit_answered(smpp::command_status status) override {
    submits_.add(static_cast<std::uint32_t>(status));
  }
  const status_tally& submits() const { return submits_; }

 private:
  bind_registry& registry_;
  std::mutex mutex_;
  message_id_generator ids_;
  status_tally submits_;
};

// A session as the admin API lists it.
struct session_view {
  std::uint64_t id = 0;
  std::string system_id;  // "" until bound
  std::string bind;       // "transmitter", "receiver", "transceiver"; "" until bound
  std::string peer;
  wall_time since{};             // connected
  std::uint64_t submits = 0;     // submit_sm taken
  std::uint64_t deliveries = 0;  // deliver_sm sent
  std::uint64_t in_flight = 0;   // deliver_sm not yet answered
};

class session_base {
 public:
  virtual ~session_base() = default;
  // Thread-safe: asks the session to unbind (graceful shutdown, the admin API).
  virtual void request_unbind() = 0;
  // Thread-safe.
  virtual session_view view() const = 0;
};

class session_list {
 public:
  void add(std::uint64_t id, std::weak_ptr<session_base> s) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(id, std::move(s));
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  // Thread-safe; false when no such session is open.
  bool unbind(std::uint64_t id) const {
    std::shared_ptr<session_base> s;
    {
      std::lock_guard lock(mutex_);
      const auto it = sessions_.find(id);
      if (it != sessions_.end()) s = it->second.lock();
    }
    if (!s) return false;
    s->request_unbind();
    return true;
  }
  // The open sessions; the caller drops them outside the list's lock (a session's last
  // owner going away removes it from this list).
  std::vector<std::shared_ptr<session_base>> snapshot() const {
    std::vector<std::shared_ptr<session_base>> out;
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
  template <class F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) f(*s);
    }
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::weak_ptr<session_base>> sessions_;
};

struct server_context {
  session_settings settings;
  std::size_t max_pdu_bytes = 65536;
  // Pending output beyond this stops reading from the client until it drains, so a client
  // that never reads cannot grow our memory.
  std::size_t max_pending_output = 1 << 20;
  // submit_sm waiting for the store per session; beyond it reading stops until some are
  // answered, so a client ignoring its window cannot queue unbounded work (SMPP windows
  // are advisory on the client side).
  std::uint32_t max_outstanding_submits = 1024;
  // Per session: refusals and protocol errors logged one line each up to log_burst per
  // log_interval, then counted and summed up in one line.
  std::uint32_t log_burst = 10;
  std::chrono::seconds log_interval{10};

  authenticator& auth;
  bind_registry& registry;
  core::message_sink& sink;
  core::receipt_source& receipts;
  submit_gate& gate;
  asio::thread_pool& auth_pool;
  std::shared_ptr<spdlog::logger> log;

  session_list sessions;
  std::atomic<std::uint64_t> next_session_id{1};
  // For /metrics: bound sessions by bind_kind, refused binds by status.
  std::array<std::atomic<std::int64_t>, 3> bound{};
  status_tally binds_refused{};
};

}  // namespace smppd::server
