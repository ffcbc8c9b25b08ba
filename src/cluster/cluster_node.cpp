#include "cluster/cluster_node.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>

#include "common/comma_list.hpp"

namespace smppd::cluster {
namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace

std::string new_instance_token() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes");
  std::string out;
  for (const unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

cluster_node::cluster_node(std::string url, int node_id, cluster_settings settings,
                           std::shared_ptr<spdlog::logger> log)
    : settings_(settings),
      log_(std::move(log)),
      store_(std::move(url),
             store::postgres::node_identity{node_id, new_instance_token(), host_name(),
                                            static_cast<int>(::getpid())},
             settings.dead_after) {}

cluster_node::~cluster_node() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

bool cluster_node::join() { return store_.join() == store::postgres::join_result::joined; }

void cluster_node::start(gateway::engine& engine) {
  engine_ = &engine;
  store_.listen();
  healthy_since_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "smppd-cluster");
    loop();
  });
}

void cluster_node::on_tick(std::function<void()> hook) {
  std::lock_guard lock(hook_mutex_);
  tick_hook_ = std::move(hook);
}

void cluster_node::leave() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  try {
    if (!store_.ok()) store_.reconnect();
    // What was claimed and not yet given back goes with the rest.
    store_.leave();
    log_->info("cluster: left; this node's receipts and messages are the other nodes' now");
  } catch (const store::postgres::pg_error& e) {
    log_->error("cluster: could not hand over at exit ({}); the other nodes take over after {} s",
                e.what(), settings_.dead_after.count());
  }
}

void cluster_node::loop() {
  while (!stopping_) {
    try {
      if (!healthy_) {
        store_.reconnect();
        healthy_ = true;
        healthy_since_ = std::chrono::steady_clock::now();
        log_->info("cluster: PostgreSQL is reachable again");
      }
      const auto wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       next_tick_ - std::chrono::steady_clock::now()),
                                   std::chrono::milliseconds(0), std::chrono::milliseconds(200));
      bool all = false;
      std::vector<std::string> accounts;
      for (const auto& payload : store_.wait_notifications(wait)) {
        if (payload.empty()) all = true;
        for (auto& a : split_commas(payload)) accounts.push_back(std::move(a));
      }
      step(all, accounts);
    } catch (const store::postgres::pg_error& e) {
      if (store_.ok()) {
        // A statement failed on a working connection (a lock conflict, say): the next
        // tick tries again; the database is not down.
        log_->warn("cluster: {}", e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      if (healthy_) {
        log_->error("cluster: PostgreSQL is unreachable ({}); trying again every second", e.what());
        healthy_ = false;
      }
      for (int i = 0; i < 10 && !stopping_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
}

void cluster_node::step(bool notified_all, const std::vector<std::string>& notified) {
  const auto now = std::chrono::steady_clock::now();
  const bool tick = now >= next_tick_;
  if (tick) {
    next_tick_ = now + settings_.tick;
    if (!store_.heartbeat()) {
      log_->error("cluster: this node's id was taken over by another start; stop this one");
    }
    if (now - healthy_since_ >= settings_.dead_after) {
      for (const int gone : store_.gone_nodes()) {
        auto taken = store_.take_over(gone);
        if (!taken) continue;
        log_->info(
            "cluster: node {} is gone; {} of its messages are this node's now, {} of "
            "its receipts are for any node",
            gone, taken->messages.size(), taken->receipts_released);
        engine_->adopt(std::move(taken->messages));
      }
    }
    // Forgotten here first, given back next: should that fail, this node still holds them
    // in the store, and they go back with the next try (or when it leaves or dies).
    auto unattended = engine_->release_unattended();
    pending_release_.insert(pending_release_.end(), unattended.begin(), unattended.end());
    store_.release(pending_release_);
    pending_release_.clear();
    // Webhooks of a node that left or died: any node posts them.
    engine_->take_receipts(store_.claim_webhooks(settings_.max_claim));
    {
      std::lock_guard lock(hook_mutex_);
      if (tick_hook_) tick_hook_();
    }
    if (now >= next_trim_) {
      next_trim_ = now + settings_.trim_interval;
      const auto [dropped, expired] =
          store_.trim(settings_.max_pending_per_account,
                      std::chrono::system_clock::now() - settings_.retention);
      if (dropped > 0) {
        log_->warn("cluster: {} receipts dropped, more than {} pending for their account", dropped,
                   settings_.max_pending_per_account);
      }
      if (expired > 0) {
        log_->warn("cluster: {} receipts unacknowledged for {} h dropped", expired,
                   settings_.retention.count());
      }
    }
  }
  if (!tick && !notified_all && notified.empty()) return;
  for (const auto& [account, room] : engine_->receipt_room()) {
    if (!tick && !notified_all &&
        std::find(notified.begin(), notified.end(), account) == notified.end()) {
      continue;
    }
    engine_->take_receipts(store_.claim(account, std::min(room, settings_.max_claim)));
  }
}

}  // namespace smppd::cluster
