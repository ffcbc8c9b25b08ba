#include "store/memory/memory_message_store.hpp"

#include <pthread.h>

#include <algorithm>

namespace smppd::store::memory {

memory_message_store::memory_message_store(std::uint64_t max_pending_per_account)
    : max_pending_per_account_(max_pending_per_account), thread_([this] { run(); }) {}

memory_message_store::~memory_message_store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  thread_.join();
}

void memory_message_store::write(std::vector<core::message_step> steps, write_done done) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back({std::move(steps), std::move(done)});
    ++enqueued_;
  }
  queue_cv_.notify_one();
}

void memory_message_store::flush() {
  std::unique_lock lock(queue_mutex_);
  const auto target = enqueued_;
  done_cv_.wait(lock, [&] { return completed_ >= target; });
}

void memory_message_store::run() {
  pthread_setname_np(pthread_self(), "smppd-store");
  std::vector<request> batch;
  std::vector<core::step_result> results;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;
      batch.swap(queue_);
    }
    for (auto& r : batch) {
      results.clear();
      {
        std::lock_guard lock(state_mutex_);
        for (auto& step : r.steps) results.push_back(apply(step));
      }
      if (r.done) r.done(results, r.steps);
    }
    const auto n = batch.size();
    batch.clear();
    {
      std::lock_guard lock(queue_mutex_);
      completed_ += n;
    }
    done_cv_.notify_all();
  }
}

// Gives the receipt (or MO) its id and keeps it, then applies the account's cap.
std::uint64_t memory_message_store::keep_receipt(core::receipt_record& r) {
  r.receipt_id = ++last_receipt_id_;
  const auto id = r.receipt_id;
  auto& count = pending_[r.system_id];
  ++count;
  const auto& system_id = receipts_.emplace(id, r).first->second.system_id;
  // The cap, oldest first. A linear walk: this store is for measurements and tests.
  for (auto it = receipts_.begin(); count > max_pending_per_account_ && it != receipts_.end();) {
    if (it->second.system_id == system_id) {
      it = receipts_.erase(it);
      --count;
      ++dropped_;
    } else {
      ++it;
    }
  }
  return id;
}

core::step_result memory_message_store::apply(core::message_step& step) {
  if (auto* a = std::get_if<core::message_accepted>(&step)) {
    const auto id = a->message.id;
    if (!messages_.try_emplace(id, a->message).second) {  // a copy: the caller gets it back
      return {core::errc::duplicate, 0};
    }
    max_message_id_ = std::max(max_message_id_, id);
    return {};
  }
  if (auto* e = std::get_if<core::message_enroute>(&step)) {
    if (auto it = messages_.find(e->message_id); it != messages_.end()) {
      it->second.state = core::message_state::enroute;
      it->second.carrier = e->carrier;
      it->second.upstream_id = e->upstream_id;
    }
    return {};
  }
  if (auto* f = std::get_if<core::message_finished>(&step)) {
    if (auto it = messages_.find(f->message_id); it != messages_.end()) {
      if (core::is_final(f->state)) {
        messages_.erase(it);
      } else {
        it->second.state = f->state;
        it->second.done_at = f->done_at;
        it->second.error_code = f->error_code;
      }
    }
    if (!f->receipt) return {};
    return {{}, keep_receipt(*f->receipt)};
  }
  if (auto* m = std::get_if<core::mo_received>(&step)) return {{}, keep_receipt(m->mo)};
  const auto id = std::get<core::receipt_acknowledged>(step).receipt_id;
  if (auto it = receipts_.find(id); it != receipts_.end()) {
    --pending_[it->second.system_id];
    receipts_.erase(it);
  }
  return {};
}

std::vector<core::message_record> memory_message_store::unfinished_messages() {
  std::lock_guard lock(state_mutex_);
  std::vector<core::message_record> out;
  for (const auto& [id, m] : messages_) out.push_back(m);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::vector<core::receipt_record> memory_message_store::pending_receipts(std::chrono::hours) {
  std::lock_guard lock(state_mutex_);
  std::vector<core::receipt_record> out;
  for (const auto& [id, r] : receipts_) out.push_back(r);
  return out;
}

std::vector<core::message_record> memory_message_store::waiting_messages(
    std::optional<core::waiting_cursor> after, std::size_t limit) {
  std::lock_guard lock(state_mutex_);
  auto before = [](std::uint8_t pa, std::uint64_t ia, std::uint8_t pb, std::uint64_t ib) {
    return pa != pb ? pa > pb : ia < ib;
  };
  std::vector<core::message_record> out;
  for (const auto& [id, m] : messages_) {
    if (m.state != core::message_state::accepted) continue;
    if (after && !before(after->priority, after->id, m.priority, m.id)) continue;
    out.push_back(m);
  }
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return before(a.priority, a.id, b.priority, b.id);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::uint64_t memory_message_store::max_message_id() {
  std::lock_guard lock(state_mutex_);
  return max_message_id_;
}

std::uint64_t memory_message_store::dropped_receipts() const {
  std::lock_guard lock(state_mutex_);
  return dropped_;
}

}  // namespace smppd::store::memory
