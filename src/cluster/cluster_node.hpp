#pragma once
// A node's part in a cluster sharing one PostgreSQL database (contract, "Cluster"), on a
// thread of its own with its own connection (store/postgres/cluster_store):
//
//   every second   heartbeat; take over nodes that are gone (their receipts released for
//                  any node, their unfinished messages adopted by this node's engine);
//                  give back receipts of accounts with no receiver here any more
//   on NOTIFY      (a batch queued receipts for any node; at most every second otherwise)
//                  claim receipts for the accounts with a receiver here, up to its room
//   every 10 s     the receipt cap and retention over the whole cluster
//
// PostgreSQL down: each step fails, logged once; the thread connects again every second and
// says so once it is back. It takes over other nodes only after its own connection has been
// healthy for dead_after, so a database outage is not mistaken for the other nodes' death.

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "gateway/engine.hpp"
#include "store/postgres/cluster_store.hpp"

namespace smppd::cluster {

struct cluster_settings {
  std::chrono::seconds dead_after{10};  // a node silent this long is gone (contract: 15 s)
  std::chrono::milliseconds tick{1000};
  std::chrono::seconds trim_interval{10};
  std::uint64_t max_pending_per_account = 25000;
  std::chrono::hours retention{48};
  std::size_t max_claim = 2000;  // receipts per claim statement
};

class cluster_node {
 public:
  cluster_node(std::string url, int node_id, cluster_settings settings,
               std::shared_ptr<spdlog::logger> log);
  ~cluster_node();

  // Claims the node id (before serving); false when another live node holds it.
  bool join();
  // Starts the thread, handing work to `engine`.
  void start(gateway::engine& engine);
  // Runs `hook` on the cluster thread each second (the server's throughput shares); an
  // empty one removes it, and no call is under way once this returns.
  void on_tick(std::function<void()> hook);
  // SIGTERM, after the engine stopped: stops the thread, releases this node's receipts and
  // marks it stopped, so the other nodes take its messages over at once.
  void leave();

 private:
  void loop();
  void step(bool notified_all, const std::vector<std::string>& notified);
  void claim_for(const std::vector<std::string>& accounts, bool all);

  cluster_settings settings_;
  std::shared_ptr<spdlog::logger> log_;
  store::postgres::cluster_store store_;
  gateway::engine* engine_ = nullptr;

  std::mutex hook_mutex_;
  std::function<void()> tick_hook_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  // Thread only.
  bool healthy_ = true;
  std::chrono::steady_clock::time_point healthy_since_{};
  std::chrono::steady_clock::time_point next_tick_{};
  std::chrono::steady_clock::time_point next_trim_{};
  std::vector<std::uint64_t> pending_release_;  // forgotten by the engine, not yet given back
};

// A random instance token for this start (told apart from an earlier start with the id).
std::string new_instance_token();

}  // namespace smppd::cluster
