#pragma once
// Behind the SMPP front, one per node. A message's life:
//
//   session ──accept──▶ store.append (group commit) ──durable──▶ ESME_ROK to the client
//                                                  └─────────▶ scheduler (engine thread)
//   scheduler ──due──▶ simulator verdict ──delay──▶ outcome ──▶ store: message_finished
//                                        (state + receipt; a turn's outcomes in one write)
//   durable receipt ──▶ dispatcher ──assign──▶ receiver session ──deliver_sm_resp──▶ acked
//                                                     ──▶ store: receipt_acknowledged
//
// Threads: sessions call accept / attach / detach / acked from their io threads; store
// completions arrive on the store's writer thread and only hand work over; the scheduler
// and the simulator run on the engine's own thread (one io_context); the dispatcher is
// shared behind a mutex so an ack is answered by the next receipt at once.
//
// Nothing here is the only copy of anything: the store has every message not yet final and
// every receipt not yet acknowledged, so a crash at any point loses nothing (recover()
// rebuilds the in-memory state at start-up; a receipt may then be sent twice, never lost).

#include <spdlog/logger.h>

#include <array>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "carrier/scheduler.hpp"
#include "carrier/simulator.hpp"
#include "common/latency_histogram.hpp"
#include "common/log_limiter.hpp"
#include "config/config.hpp"
#include "core/message_sink.hpp"
#include "core/message_store.hpp"
#include "core/receipt_source.hpp"
#include "dlr/dispatcher.hpp"
#include "gateway/carrier_pipeline.hpp"

namespace smppd::gateway {

struct engine_settings {
  dlr::dispatcher_settings receipts;
  carrier::scheduler_settings carrier;
  // A message's outcome that the store failed to record is tried again after this.
  std::chrono::milliseconds outcome_retry{1000};
  // How often receipts past retention are dropped.
  std::chrono::seconds housekeeping_interval{300};
  // A line of counters in the log this often, when something happened since the last.
  std::chrono::seconds stats_interval{60};
  // Messages handed to the carrier per turn of the engine thread (fairness with receipts).
  std::size_t max_due_per_turn = 8192;
  // Receipts dropped for the cap: one log line per account per interval, with the count.
  std::chrono::seconds drop_log_interval{10};
  // Upstream carriers and routes (contract, "Carriers"); none: the simulator takes all.
  std::vector<config::carrier_config> carriers;
  std::vector<config::route_config> routes;
  std::vector<config::mo_route_config> mo_routes;
  pipeline_settings pipeline;
  // The store is shared by a cluster (PostgreSQL): a receipt is delivered here only when a
  // receiver of its account is bound here with room; others wait in the store for the node
  // that claims them (src/cluster).
  bool shared_store = false;
  // How many receipts per account this node holds for its receivers in a cluster: the
  // larger of the floor and this many per unit of their windows.
  std::size_t cluster_receipts_floor = 1024;
  std::size_t cluster_receipts_per_window = 16;
};

engine_settings make_engine_settings(const config::config& cfg);

// What the REST API (src/http) hangs on the engine; set before recover().
struct webhook_hooks {
  // Durable webhook records (status changes and MO over HTTP) to POST; from the engine's
  // thread and from recover(). Each goes back through webhooks_done once delivered or given
  // up on, else it is handed over again after a restart.
  std::function<void(std::vector<core::receipt_record>)> deliver;
  // Where an account's MO are POSTed ("" = queued for its SMPP receivers); must be cheap.
  std::function<std::string(std::string_view system_id)> mo_url;
  // Every status of a REST message (batch_id != 0), on the engine's thread.
  std::function<void(const core::message_record& message, dlr::receipt_status status,
                     std::uint32_t error, wall_time at)>
      status;
};

struct recovery {
  std::size_t messages = 0;  // not final: back to the scheduler
  std::size_t receipts = 0;  // not acknowledged: back to the dispatcher
  std::uint64_t max_message_id = 0;
};

// What the engine has done since it started (for the log now, /metrics later).
struct engine_counters {
  std::uint64_t accepted = 0;          // durable, ESME_ROK
  std::uint64_t refused = 0;           // the store failed: RSYSERR / RMSGQFUL
  std::uint64_t final_outcomes = 0;    // recorded final states
  std::uint64_t receipts_queued = 0;   // durable receipts handed to the dispatcher
  std::uint64_t receipts_acked = 0;    // removed after a deliver_sm_resp ESME_ROK
  std::uint64_t receipts_dropped = 0;  // beyond max_pending_per_account
  std::uint64_t receipts_expired = 0;  // beyond retention
};

class engine final : public core::message_sink, public core::receipt_source {
 public:
  engine(core::message_store& store, const config::simulator_config& simulator,
         engine_settings settings, std::shared_ptr<spdlog::logger> log,
         const wall_clock& clock = system_wall_clock());
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;
  ~engine() override;

  // Before start(): what the store holds goes back into the scheduler and the dispatcher.
  recovery recover();
  // Starts the engine thread.
  void start();
  // Stops the engine thread, then waits until everything queued in the store is written.
  // What was with the carrier stays unfinished in the store: handed over again next start.
  void stop();
  // Shutdown, before the sessions are destroyed: receipts are no longer handed to sessions
  // (their io threads have stopped); what they carry stays in the store for the next start.
  void stop_delivering() { delivering_.store(false); }

  // Tests drive an engine that was not start()ed on their own thread, with a manual clock:
  // poll() runs what is ready (store completions handed over, posted turns) and returns how
  // many handlers ran; tick() runs one turn at the clock's time first.
  std::size_t poll();
  void tick();

  // core::message_sink
  using core::message_sink::accept;
  void accept(std::vector<core::message_record> messages, batch_done done) override;

  // core::receipt_source
  void attach(std::uint64_t session, std::string_view system_id, std::uint32_t window,
              std::weak_ptr<core::receipt_target> target) override;
  void detach(std::uint64_t session) override;
  void acked(std::uint64_t session, std::span<const core::receipt_ack> acks) override;

  // ---- the REST API ----
  void set_webhook_hooks(webhook_hooks hooks) { webhooks_ = std::move(hooks); }
  // Webhooks delivered, or dropped after their last retry: gone from the store.
  void webhooks_done(std::span<const std::uint64_t> receipt_ids);
  // Messages among `ids` still waiting for their schedule time finish as DELETED; `done`
  // gets how many once that is durable (0 at once when none was waiting). Any thread.
  void cancel(std::vector<std::uint64_t> ids, std::function<void(std::size_t)> done);

  // ---- a cluster's hand-overs (src/cluster), from its thread ----
  // Messages of a node that is gone, now this node's: back to the scheduler or carriers.
  void adopt(std::vector<core::message_record> messages);
  // Accounts with a receiver here that could take more receipts, and how many.
  std::vector<std::pair<std::string, std::size_t>> receipt_room();
  // Receipts this node claimed from the store, for its receivers.
  void take_receipts(std::vector<core::receipt_record> receipts);
  // Receipts of accounts with no receiver here any more: forgotten here, to be given back
  // to the store for another node.
  std::vector<std::uint64_t> release_unattended();

  engine_counters counters() const;
  // The carriers' state, read on the engine's thread (empty without carriers).
  struct carrier_state {
    std::vector<carrier_counts> carriers;
    std::size_t waiting_in_memory = 0;
    std::size_t waiting_in_store = 0;
  };
  carrier_state carriers();
  std::size_t pending_receipts();                                // unacknowledged, all accounts
  std::vector<dlr::dispatcher::account_queue> receipt_queues();  // per account
  // For /metrics and /readyz, from any thread.
  std::array<std::uint64_t, 9> final_by_state() const;  // by core::message_state
  latency_histogram::snapshot commit_latency() const { return commit_latency_.read(); }
  bool store_healthy() const { return !store_failing_.load(std::memory_order_relaxed); }

 private:
  // Work handed to the engine thread by other threads.
  struct inbox {
    std::vector<core::message_record> messages;        // durable, for the scheduler
    std::vector<core::message_record> adopted;         // from a node that is gone
    std::vector<core::receipt_record> receipts;        // durable, for the dispatcher
    std::vector<core::receipt_record> webhooks;        // durable, to POST
    std::vector<carrier::outcome> failed;              // not recorded: tried again later
    std::vector<std::uint64_t> failed_removals;        // acknowledged, not yet removed
    std::vector<std::function<void()>> after_durable;  // e.g. answers to upstream receipts
    bool wake_posted = false;
  };

  template <class Put>
  void hand_over(Put&& put);  // put(inbox) under the lock; wakes the engine thread
  void turn();
  // Gathers an outcome; write_outcomes() stores the turn's outcomes in one write.
  void record(carrier::outcome outcome);
  void write_outcomes();
  void remove_receipts(std::span<const std::uint64_t> ids, const char* what);
  void housekeeping(wall_time now);
  void log_stats(wall_time now);
  void log_dropped(wall_time now, bool force);
  void dispatch();
  void arm_timer();
  void note_store_result(const std::error_code& ec, const char* what);
  pipeline_hooks make_pipeline_hooks();
  void write_enroute(core::message_enroute step, std::function<void()> after_durable);
  void accept_mo(core::receipt_record mo, upstream::pending_reply reply);
  void to_simulator(core::message_record message, wall_time now);
  void resume(core::message_record message);  // a message not final, read back
  bool deliver_here(std::string_view system_id);

  // Splits what goes out over HTTP from what the dispatcher hands to receiver sessions.
  void deliver_webhooks(std::vector<core::receipt_record>& records);

  core::message_store& store_;
  const wall_clock& clock_;
  webhook_hooks webhooks_;
  carrier::simulator simulator_;
  engine_settings settings_;
  std::shared_ptr<spdlog::logger> log_;

  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer timer_;
  std::thread thread_;  // joinable while started

  // Engine thread only.
  carrier::scheduler scheduler_;
  std::unique_ptr<carrier_pipeline> pipeline_;  // with [[carrier]]s or [[route]]s
  std::vector<carrier::outcome> retry_outcomes_;
  std::vector<core::message_step> outcome_steps_;  // this turn's, for write_outcomes()
  std::vector<carrier::outcome> outcomes_;         // the same turn's, in the same order
  std::vector<core::message_step> webhook_steps_;  // their webhooks, written after them
  wall_time retry_outcomes_at_{};
  // Receipts acknowledged whose removal the store failed: removed again after
  // outcome_retry, so an outage does not leave them to be sent again after a restart.
  std::vector<std::uint64_t> retry_removals_;
  wall_time retry_removals_at_{};
  wall_time next_housekeeping_{};
  wall_time next_stats_{};
  engine_counters last_stats_{};
  interval_tally<wall_time> dropped_by_account_;  // for the log

  std::mutex inbox_mutex_;
  inbox inbox_;

  std::mutex receipts_mutex_;  // the dispatcher and the session targets
  dlr::dispatcher dispatcher_;
  std::unordered_map<std::uint64_t, std::weak_ptr<core::receipt_target>> targets_;

  std::atomic<bool> store_failing_{false};
  // From a message's write to its completion: what a client waits for its ESME_ROK.
  latency_histogram commit_latency_;
  std::array<std::atomic<std::uint64_t>, 9> final_by_state_{};
  std::atomic<bool> delivering_{true};
  struct atomic_counters {
    std::atomic<std::uint64_t> accepted{0}, refused{0}, final_outcomes{0}, receipts_queued{0},
        receipts_acked{0}, receipts_dropped{0}, receipts_expired{0};
  } counters_;
};

}  // namespace smppd::gateway
