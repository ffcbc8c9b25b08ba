#include "gateway/engine.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <future>

#include "dlr/deliver.hpp"

namespace smppd::gateway {
namespace {}  // namespace

engine_settings make_engine_settings(const config::config& cfg) {
  engine_settings s;
  s.receipts = dlr::make_dispatcher_settings(cfg.dlr);
  s.carriers = cfg.carriers;
  s.routes = cfg.routes;
  s.mo_routes = cfg.mo_routes;
  return s;
}

engine::engine(core::message_store& store, const config::simulator_config& simulator,
               engine_settings settings, std::shared_ptr<spdlog::logger> log,
               const wall_clock& clock)
    : store_(store),
      clock_(clock),
      simulator_(simulator),
      settings_(std::move(settings)),
      log_(std::move(log)),
      work_(io_.get_executor()),
      timer_(io_),
      scheduler_(settings_.carrier),
      dropped_by_account_(settings_.drop_log_interval),
      dispatcher_(settings_.receipts) {
  next_housekeeping_ = clock_.now() + settings_.housekeeping_interval;
  next_stats_ = clock_.now() + settings_.stats_interval;
  if (!settings_.carriers.empty() || !settings_.routes.empty()) {
    pipeline_ = std::make_unique<carrier_pipeline>(
        io_.get_executor(), settings_.carriers, settings_.routes, settings_.mo_routes,
        settings_.pipeline, make_pipeline_hooks(), log_, clock_);
  }
}

engine::~engine() { stop(); }

recovery engine::recover() {
  recovery r;
  auto messages = store_.unfinished_messages();
  r.messages = messages.size();
  for (auto& m : messages) resume(std::move(m));
  auto receipts = store_.pending_receipts(
      std::chrono::duration_cast<std::chrono::hours>(settings_.receipts.retention));
  r.receipts = receipts.size();
  deliver_webhooks(receipts);
  {
    std::lock_guard lock(receipts_mutex_);
    for (auto& receipt : receipts) dispatcher_.enqueue(std::move(receipt));
  }
  r.max_message_id = store_.max_message_id();
  return r;
}

void engine::resume(core::message_record m) {
  // With the carrier under its upstream ids: its receipts are awaited, not sent again.
  if (pipeline_ && !m.upstream_id.empty() && pipeline_->resume(m)) return;
  scheduler_.add(std::move(m));
}

void engine::start() {
  if (thread_.joinable()) return;
  next_housekeeping_ = clock_.now() + settings_.housekeeping_interval;
  next_stats_ = clock_.now() + settings_.stats_interval;
  asio::post(io_, [this] {
    if (pipeline_) pipeline_->start();
    turn();
  });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "smppd-engine");
    io_.run();
  });
}

std::size_t engine::poll() {
  if (thread_.joinable()) return 0;
  io_.restart();
  return io_.poll();
}

void engine::tick() {
  asio::post(io_, [this] { turn(); });
  poll();
}

void engine::stop() {
  if (thread_.joinable()) {
    if (pipeline_) {
      // Closed on their own thread; what was with a carrier unanswered is sent again at
      // the next start (at least once).
      std::promise<void> stopped;
      asio::post(io_, [&] {
        pipeline_->stop();
        stopped.set_value();
      });
      stopped.get_future().wait();
    }
    work_.reset();
    io_.stop();
    thread_.join();
  }
  log_dropped(clock_.now(), true);
  store_.flush();
}

// ---- the SMPP side -------------------------------------------------------------------

void engine::accept(std::vector<core::message_record> messages, batch_done done) {
  std::vector<smpp::command_status> statuses(messages.size(), smpp::command_status::esme_rok);
  std::vector<core::message_step> steps;
  steps.reserve(messages.size());
  std::vector<std::uint32_t> stored;  // for each step, its message's index
  stored.reserve(messages.size());
  std::vector<core::receipt_record> scheduled;  // SCHEDULED webhooks
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto& record = messages[i];
    if (pipeline_) {
      if (const auto refused = pipeline_->admit(record)) {
        statuses[i] = *refused;
        continue;
      }
    }
    record.parts = static_cast<std::uint16_t>(
        std::min<std::size_t>(carrier::simulator::parts(record), 0xFFFF));
    if (auto webhook = dlr::scheduled_webhook_for(record)) scheduled.push_back(std::move(*webhook));
    steps.emplace_back(core::message_accepted{std::move(record)});
    stored.push_back(static_cast<std::uint32_t>(i));
  }
  if (steps.empty()) {
    done(statuses);
    return;
  }
  // After the messages, in the same transaction: durable exactly when they are.
  for (auto& w : scheduled) steps.emplace_back(core::mo_received{std::move(w), true});
  store_.write(
      std::move(steps),
      [this, done = std::move(done), statuses = std::move(statuses), stored = std::move(stored),
       since = std::chrono::steady_clock::now()](std::span<const core::step_result> results,
                                                 std::span<core::message_step> written) mutable {
        const std::size_t message_steps = stored.size();
        commit_latency_.add(std::chrono::steady_clock::now() - since, message_steps);
        std::size_t accepted = 0;
        hand_over([&](inbox& in) {
          for (std::size_t k = message_steps; k < results.size(); ++k) {
            if (results[k].ec || results[k].receipt_id == 0) continue;
            in.webhooks.push_back(std::move(std::get<core::mo_received>(written[k]).mo));
          }
          for (std::size_t k = 0; k < message_steps; ++k) {
            const auto ec = results[k].ec;
            note_store_result(ec, "append");
            if (ec) {
              statuses[stored[k]] = ec == core::errc::full ? smpp::command_status::esme_rmsgqful
                                                           : smpp::command_status::esme_rsyserr;
              continue;
            }
            ++accepted;
            in.messages.push_back(std::move(std::get<core::message_accepted>(written[k]).message));
          }
        });
        counters_.accepted.fetch_add(accepted, std::memory_order_relaxed);
        counters_.refused.fetch_add(message_steps - accepted, std::memory_order_relaxed);
        done(statuses);
      });
}

void engine::attach(std::uint64_t session, std::string_view system_id, std::uint32_t window,
                    std::weak_ptr<core::receipt_target> target) {
  {
    std::lock_guard lock(receipts_mutex_);
    if (!dispatcher_.add_session(session, system_id, window)) return;
    targets_[session] = std::move(target);
  }
  dispatch();
}

void engine::detach(std::uint64_t session) {
  {
    std::lock_guard lock(receipts_mutex_);
    if (targets_.erase(session) == 0) return;
    dispatcher_.remove_session(session);
  }
  dispatch();
}

void engine::acked(std::uint64_t session, std::span<const core::receipt_ack> acks) {
  std::vector<std::uint64_t> done;
  bool retry = false;
  {
    std::lock_guard lock(receipts_mutex_);
    const auto now = clock_.now();
    for (const auto& ack : acks) {
      switch (dispatcher_.acked(session, ack.receipt_id, ack.ok, now)) {
        case dlr::ack_result::done:
          done.push_back(ack.receipt_id);
          break;
        case dlr::ack_result::retry:
          retry = true;
          break;
        case dlr::ack_result::dropped:
        case dlr::ack_result::unknown:
          break;
      }
    }
  }
  counters_.receipts_acked.fetch_add(done.size(), std::memory_order_relaxed);
  // A failed removal is tried again (retry_removals_); until then the receipt stays in the
  // store: sent again after a restart (at least once), never lost.
  remove_receipts(done, "remove receipt");
  dispatch();
  if (retry) asio::post(io_, [this] { arm_timer(); });  // the retry's time may be sooner
}

void engine::adopt(std::vector<core::message_record> messages) {
  hand_over([&](inbox& in) {
    for (auto& m : messages) in.adopted.push_back(std::move(m));
  });
}

std::vector<std::pair<std::string, std::size_t>> engine::receipt_room() {
  std::lock_guard lock(receipts_mutex_);
  return dispatcher_.rooms(settings_.cluster_receipts_floor, settings_.cluster_receipts_per_window);
}

void engine::deliver_webhooks(std::vector<core::receipt_record>& records) {
  const auto first = std::stable_partition(records.begin(), records.end(),
                                           [](const auto& r) { return !r.is_webhook(); });
  if (first == records.end()) return;
  std::vector<core::receipt_record> webhooks(std::make_move_iterator(first),
                                             std::make_move_iterator(records.end()));
  records.erase(first, records.end());
  if (webhooks_.deliver) webhooks_.deliver(std::move(webhooks));
}

void engine::webhooks_done(std::span<const std::uint64_t> receipt_ids) {
  remove_receipts(receipt_ids, "remove webhook");
}

void engine::cancel(std::vector<std::uint64_t> ids, std::function<void(std::size_t)> done) {
  asio::post(io_, [this, ids = std::move(ids), done = std::move(done)]() mutable {
    auto taken = scheduler_.cancel(ids);
    if (taken.empty()) {
      done(0);
      return;
    }
    const auto now = clock_.now();
    const std::size_t n = taken.size();
    for (std::size_t i = 0; i < n; ++i) {
      carrier::outcome o;
      o.message_id = taken[i].id;
      o.status = dlr::receipt_status::deleted;
      o.done_at = now;
      o.message = std::make_shared<const core::message_record>(std::move(taken[i]));
      if (i + 1 == n) o.after_durable = [done = std::move(done), n] { done(n); };
      record(std::move(o));
    }
    write_outcomes();
  });
}

void engine::take_receipts(std::vector<core::receipt_record> receipts) {
  if (receipts.empty()) return;
  hand_over([&](inbox& in) {
    for (auto& r : receipts) (r.is_webhook() ? in.webhooks : in.receipts).push_back(std::move(r));
  });
}

std::vector<std::uint64_t> engine::release_unattended() {
  std::lock_guard lock(receipts_mutex_);
  return dispatcher_.release_unattended();
}

// In a cluster: does this node deliver a receipt of this account itself?
bool engine::deliver_here(std::string_view system_id) {
  if (!settings_.shared_store) return true;
  std::lock_guard lock(receipts_mutex_);
  return dispatcher_.room(system_id, settings_.cluster_receipts_floor,
                          settings_.cluster_receipts_per_window) > 0;
}

engine_counters engine::counters() const {
  const auto get = [](const std::atomic<std::uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  return {get(counters_.accepted),        get(counters_.refused),
          get(counters_.final_outcomes),  get(counters_.receipts_queued),
          get(counters_.receipts_acked),  get(counters_.receipts_dropped),
          get(counters_.receipts_expired)};
}

engine::carrier_state engine::carriers() {
  const auto read = [this] {
    carrier_state s;
    if (!pipeline_) return s;
    s.carriers = pipeline_->counts();
    s.waiting_in_memory = pipeline_->waiting_in_memory();
    s.waiting_in_store = pipeline_->waiting_in_store();
    return s;
  };
  if (!thread_.joinable()) return read();
  std::promise<carrier_state> result;
  asio::post(io_, [&] { result.set_value(read()); });
  return result.get_future().get();
}

std::array<std::uint64_t, 9> engine::final_by_state() const {
  std::array<std::uint64_t, 9> out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = final_by_state_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<dlr::dispatcher::account_queue> engine::receipt_queues() {
  std::lock_guard lock(receipts_mutex_);
  return dispatcher_.queues();
}

std::size_t engine::pending_receipts() {
  std::lock_guard lock(receipts_mutex_);
  return dispatcher_.pending();
}

// ---- the engine thread ---------------------------------------------------------------

template <class Put>
void engine::hand_over(Put&& put) {
  bool wake = false;
  {
    std::lock_guard lock(inbox_mutex_);
    put(inbox_);
    wake = !inbox_.wake_posted;
    inbox_.wake_posted = true;
  }
  if (wake) asio::post(io_, [this] { turn(); });
}

void engine::turn() {
  inbox work;
  {
    std::lock_guard lock(inbox_mutex_);
    std::swap(work, inbox_);
  }
  auto now = clock_.now();
  for (auto& after : work.after_durable) after();
  if (!work.webhooks.empty() && webhooks_.deliver) webhooks_.deliver(std::move(work.webhooks));
  for (auto& m : work.messages) scheduler_.add(std::move(m));
  for (auto& m : work.adopted) resume(std::move(m));
  if (!work.failed.empty()) {
    if (retry_outcomes_.empty()) retry_outcomes_at_ = now + settings_.outcome_retry;
    for (auto& o : work.failed) retry_outcomes_.push_back(std::move(o));
  }
  if (!work.receipts.empty()) {
    std::size_t dropped = 0;
    {
      std::lock_guard lock(receipts_mutex_);
      for (auto& r : work.receipts) {
        const std::string account = r.system_id;  // the cap drops within this account
        const std::size_t n = dispatcher_.enqueue(std::move(r));
        dropped_by_account_.add(account, n, now);
        dropped += n;
      }
    }
    counters_.receipts_queued.fetch_add(work.receipts.size(), std::memory_order_relaxed);
    if (dropped > 0) counters_.receipts_dropped.fetch_add(dropped, std::memory_order_relaxed);
  }
  log_dropped(now, false);

  for (auto& m : scheduler_.expired(now)) {
    const auto at = m.validity_period.value_or(now);
    const auto id = m.id;
    record({id,
            dlr::receipt_status::expired,
            0,
            at,
            std::make_shared<const core::message_record>(std::move(m)),
            {}});
  }
  auto due = scheduler_.due(now, settings_.max_due_per_turn);
  for (auto& m : due) {
    if (pipeline_ && pipeline_->routes_messages()) {
      pipeline_->add(std::move(m));
    } else {
      to_simulator(std::move(m), now);
    }
  }
  if (pipeline_) pipeline_->pump();
  for (auto& o : scheduler_.completed(now)) record(std::move(o));

  if (!work.failed_removals.empty()) {
    if (retry_removals_.empty()) retry_removals_at_ = now + settings_.outcome_retry;
    retry_removals_.insert(retry_removals_.end(), work.failed_removals.begin(),
                           work.failed_removals.end());
  }
  if (!retry_removals_.empty() && now >= retry_removals_at_) {
    auto again = std::move(retry_removals_);
    retry_removals_.clear();
    remove_receipts(again, "remove receipt");
  }
  if (!retry_outcomes_.empty() && now >= retry_outcomes_at_) {
    auto again = std::move(retry_outcomes_);
    retry_outcomes_.clear();
    for (auto& o : again) record(std::move(o));  // in their original order
  }
  write_outcomes();
  if (now >= next_housekeeping_) housekeeping(now);
  if (now >= next_stats_) log_stats(now);
  dispatch();
  arm_timer();
}

void engine::record(carrier::outcome outcome) {
  core::message_finished step{
      outcome.message_id,
      carrier::to_message_state(outcome.status),
      outcome.done_at,
      outcome.error,
      dlr::receipt_for(*outcome.message, outcome.status, outcome.error, outcome.done_at),
      true};
  if (step.receipt) step.deliver_here = deliver_here(step.receipt->system_id);
  if (auto webhook =
          dlr::webhook_for(*outcome.message, outcome.status, outcome.error, outcome.done_at)) {
    webhook_steps_.emplace_back(core::mo_received{std::move(*webhook), true});
  }
  if (webhooks_.status && outcome.message->batch_id != 0) {
    webhooks_.status(*outcome.message, outcome.status, outcome.error, outcome.done_at);
  }
  outcome_steps_.push_back(std::move(step));
  outcomes_.push_back(std::move(outcome));
}

// The outcomes of one turn, as one write: one hand-over to the store, one completion.
void engine::write_outcomes() {
  if (outcome_steps_.empty()) return;
  auto steps = std::move(outcome_steps_);
  outcome_steps_.clear();
  auto outcomes = std::move(outcomes_);
  outcomes_.clear();
  // In the same write (one transaction): a webhook is durable exactly when its outcome is,
  // and an outcome that failed is recorded again with its webhook.
  for (auto& w : webhook_steps_) steps.push_back(std::move(w));
  webhook_steps_.clear();
  store_.write(std::move(steps), [this, outcomes = std::move(outcomes)](
                                     std::span<const core::step_result> results,
                                     std::span<core::message_step> written) mutable {
    std::size_t final_outcomes = 0;
    hand_over([&](inbox& in) {
      for (std::size_t i = outcomes.size(); i < results.size(); ++i) {
        if (results[i].ec || results[i].receipt_id == 0) continue;
        in.webhooks.push_back(std::move(std::get<core::mo_received>(written[i]).mo));
      }
      for (std::size_t i = 0; i < outcomes.size(); ++i) {
        note_store_result(results[i].ec, "record outcome");
        if (results[i].ec) {
          in.failed.push_back(std::move(outcomes[i]));
          continue;
        }
        if (outcomes[i].is_final()) {
          ++final_outcomes;
          const auto state =
              static_cast<std::size_t>(carrier::to_message_state(outcomes[i].status));
          if (state < final_by_state_.size())
            final_by_state_[state].fetch_add(1, std::memory_order_relaxed);
        }
        if (outcomes[i].after_durable)
          in.after_durable.push_back(std::move(outcomes[i].after_durable));
        auto& step = std::get<core::message_finished>(written[i]);
        if (step.receipt && results[i].receipt_id != 0 && step.deliver_here) {
          in.receipts.push_back(std::move(*step.receipt));
        }
      }
    });
    counters_.final_outcomes.fetch_add(final_outcomes, std::memory_order_relaxed);
  });
}

void engine::remove_receipts(std::span<const std::uint64_t> ids, const char* what) {
  if (ids.empty()) return;
  std::vector<core::message_step> steps;
  steps.reserve(ids.size());
  for (const auto id : ids) steps.emplace_back(core::receipt_acknowledged{id});
  store_.write(std::move(steps), [this, what](std::span<const core::step_result> results,
                                              std::span<core::message_step> written) {
    std::vector<std::uint64_t> failed;
    for (std::size_t i = 0; i < results.size(); ++i) {
      note_store_result(results[i].ec, what);
      if (results[i].ec) {
        failed.push_back(std::get<core::receipt_acknowledged>(written[i]).receipt_id);
      }
    }
    if (failed.empty()) return;
    hand_over([&](inbox& in) {
      in.failed_removals.insert(in.failed_removals.end(), failed.begin(), failed.end());
    });
  });
}

void engine::housekeeping(wall_time now) {
  next_housekeeping_ = now + settings_.housekeeping_interval;
  std::vector<std::uint64_t> expired;
  {
    std::lock_guard lock(receipts_mutex_);
    expired = dispatcher_.expire(now);
  }
  if (!expired.empty()) {
    counters_.receipts_expired.fetch_add(expired.size(), std::memory_order_relaxed);
    log_->warn(
        "{} receipts unacknowledged for {} h dropped", expired.size(),
        std::chrono::duration_cast<std::chrono::hours>(settings_.receipts.retention).count());
    remove_receipts(expired, "remove expired receipts");
  }
}

void engine::log_dropped(wall_time now, bool force) {
  for (const auto& [account, n] : dropped_by_account_.take_due(now, force)) {
    log_->warn(
        "account {}: {} unacknowledged receipts dropped in the last {} s, more than {} pending",
        account, n, settings_.drop_log_interval.count(),
        settings_.receipts.max_pending_per_account);
  }
}

void engine::log_stats(wall_time now) {
  next_stats_ = now + settings_.stats_interval;
  const auto c = counters();
  if (c.accepted == last_stats_.accepted && c.receipts_acked == last_stats_.receipts_acked &&
      c.final_outcomes == last_stats_.final_outcomes && c.refused == last_stats_.refused) {
    return;
  }
  log_->info(
      "last {} s: {} messages accepted, {} refused, {} final outcomes, {} receipts "
      "acknowledged; now {} with the carrier or waiting, {} receipts pending",
      settings_.stats_interval.count(), c.accepted - last_stats_.accepted,
      c.refused - last_stats_.refused, c.final_outcomes - last_stats_.final_outcomes,
      c.receipts_acked - last_stats_.receipts_acked, scheduler_.waiting() + scheduler_.in_flight(),
      pending_receipts());
  if (pipeline_) {
    for (const auto& k : pipeline_->counts()) {
      log_->info("carrier {}: {} sessions bound, {} messages waiting, {} in flight", k.name,
                 k.bound_sessions, k.waiting, k.in_flight);
    }
  }
  last_stats_ = c;
}

// Sends what the dispatcher assigns. Runs on any thread; deliver() only posts.
void engine::dispatch() {
  if (!delivering_.load(std::memory_order_relaxed)) return;
  struct batch {
    std::uint64_t session;
    std::shared_ptr<core::receipt_target> target;
    std::vector<core::receipt_ptr> receipts;
  };
  std::vector<batch> out;
  {
    std::lock_guard lock(receipts_mutex_);
    const auto now = clock_.now();
    for (;;) {
      auto work = dispatcher_.assign(now);
      if (work.empty()) break;
      std::vector<std::uint64_t> gone;
      for (auto& a : work) {
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const batch& b) { return b.session == a.session; });
        if (it == out.end()) {
          const auto target = targets_.find(a.session);
          auto live = target == targets_.end() ? nullptr : target->second.lock();
          if (!live) {
            if (std::find(gone.begin(), gone.end(), a.session) == gone.end())
              gone.push_back(a.session);
            continue;
          }
          it = out.insert(out.end(), batch{a.session, std::move(live), {}});
        }
        it->receipts.push_back(std::move(a.receipt));
      }
      if (gone.empty()) break;
      // Sessions that ended without detaching yet: their receipts go to the others.
      for (const auto session : gone) {
        targets_.erase(session);
        dispatcher_.remove_session(session);
      }
    }
  }
  for (auto& b : out) b.target->deliver(std::move(b.receipts));
}

void engine::arm_timer() {
  auto next = scheduler_.next_wake();
  if (pipeline_) {
    const auto p = pipeline_->next_wake();
    if (p && (!next || *p < *next)) next = p;
  }
  {
    std::lock_guard lock(receipts_mutex_);
    const auto retry = dispatcher_.next_retry();
    if (retry && (!next || *retry < *next)) next = retry;
  }
  if (!retry_outcomes_.empty() && (!next || retry_outcomes_at_ < *next)) next = retry_outcomes_at_;
  if (!retry_removals_.empty() && (!next || retry_removals_at_ < *next)) next = retry_removals_at_;
  if (!next || next_housekeeping_ < *next) next = next_housekeeping_;
  if (next_stats_ < *next) next = next_stats_;
  const auto now = clock_.now();
  if (*next <= now) {
    timer_.cancel();
    asio::post(io_, [this] { turn(); });
    return;
  }
  // Waits on the steady clock, at most a second at a time, so a wall-clock jump cannot
  // stall the carrier.
  const auto wait = std::min<std::chrono::nanoseconds>(*next - now, std::chrono::seconds(1));
  timer_.expires_after(wait);
  timer_.async_wait([this](std::error_code ec) {
    if (!ec) turn();
  });
}

void engine::to_simulator(core::message_record message, wall_time now) {
  const auto verdict = simulator_.decide(message);
  scheduler_.add_in_flight(std::move(message), verdict, now);
}

pipeline_hooks engine::make_pipeline_hooks() {
  pipeline_hooks h;
  h.record = [this](carrier::outcome o) { record(std::move(o)); };
  h.to_simulator = [this](core::message_record m) { to_simulator(std::move(m), clock_.now()); };
  h.write_enroute = [this](core::message_enroute step, std::function<void()> after) {
    write_enroute(std::move(step), std::move(after));
  };
  h.accept_mo = [this](core::receipt_record mo, upstream::pending_reply reply) {
    accept_mo(std::move(mo), std::move(reply));
  };
  // Off a turn (a response, a receipt): the outcomes it made are written by the next turn.
  h.wake = [this] { hand_over([](inbox&) {}); };
  h.read_waiting = [this](std::optional<core::waiting_cursor> after, std::size_t limit) {
    return store_.waiting_messages(after, limit);
  };
  return h;
}

void engine::write_enroute(core::message_enroute step, std::function<void()> after_durable) {
  std::vector<core::message_step> steps;
  steps.emplace_back(std::move(step));
  store_.write(std::move(steps),
               [this, after = std::move(after_durable)](std::span<const core::step_result> results,
                                                        std::span<core::message_step>) mutable {
                 note_store_result(results.front().ec, "record upstream ids");
                 // Not durable: the carrier gets no answer and sends its receipt again.
                 if (results.front().ec || !after) return;
                 hand_over([&](inbox& in) { in.after_durable.push_back(std::move(after)); });
               });
}

void engine::accept_mo(core::receipt_record mo, upstream::pending_reply reply) {
  std::vector<core::message_step> steps;
  if (webhooks_.mo_url) mo.webhook_url = webhooks_.mo_url(mo.system_id);
  const bool here = mo.is_webhook() || deliver_here(mo.system_id);
  steps.emplace_back(core::mo_received{std::move(mo), here});
  store_.write(std::move(steps), [this, reply = std::move(reply)](
                                     std::span<const core::step_result> results,
                                     std::span<core::message_step> written) {
    const auto ec = results.front().ec;
    note_store_result(ec, "store MO");
    hand_over([&](inbox& in) {
      if (ec) {
        // A temporary refusal: the carrier offers it again.
        in.after_durable.push_back([reply] { reply.send(smpp::command_status::esme_rx_t_appn); });
        return;
      }
      auto& durable = std::get<core::mo_received>(written.front());
      if (durable.mo.is_webhook())
        in.webhooks.push_back(std::move(durable.mo));
      else if (durable.deliver_here)
        in.receipts.push_back(std::move(durable.mo));
      in.after_durable.push_back([reply] { reply.send(smpp::command_status::esme_rok); });
    });
  });
}

void engine::note_store_result(const std::error_code& ec, const char* what) {
  if (ec) {
    if (!store_failing_.exchange(true)) {
      log_->error(
          "store: {} failed: {}; clients get ESME_RMSGQFUL (full) or ESME_RSYSERR until "
          "it recovers",
          what, ec.message());
    }
  } else if (store_failing_.load(std::memory_order_relaxed) && store_failing_.exchange(false)) {
    log_->info("store: writes succeed again");
  }
}

}  // namespace smppd::gateway
