#include "carrier/scheduler.hpp"

#include <algorithm>
#include <functional>
#include <utility>

#include "common/heap.hpp"

namespace smppd::carrier {

core::message_state to_message_state(dlr::receipt_status status) noexcept {
  switch (status) {
    case dlr::receipt_status::enroute:
    case dlr::receipt_status::buffered:
      return core::message_state::enroute;
    case dlr::receipt_status::delivrd:
      return core::message_state::delivered;
    case dlr::receipt_status::expired:
      return core::message_state::expired;
    case dlr::receipt_status::deleted:
      return core::message_state::deleted;
    case dlr::receipt_status::undeliv:
      return core::message_state::undeliverable;
    case dlr::receipt_status::acceptd:
      return core::message_state::accepted_final;
    case dlr::receipt_status::unknown:
      return core::message_state::unknown;
    case dlr::receipt_status::rejectd:
      return core::message_state::rejected;
  }
  return core::message_state::unknown;
}

scheduler::scheduler(scheduler_settings settings) : settings_(settings) {}

void scheduler::add(core::message_record message) {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slot& s = slots_[index];
  const handle h{index, s.generation};
  const auto schedule = message.schedule_delivery_time;
  const auto validity = message.validity_period;
  s.message = std::move(message);
  s.ready = false;
  ++live_;
  if (validity) heap_push(validity_, timed{*validity, sequence_++, h});
  if (schedule) {
    heap_push(scheduled_, timed{*schedule, sequence_++, h});
  } else {
    make_ready(h);
  }
  compact_if_stale();
}

void scheduler::make_ready(handle h) {
  slot& s = slots_[h.index];
  s.ready = true;
  ++ready_live_;
  ready_[std::min<std::uint8_t>(s.message->priority, 3)].push_back(h);
}

core::message_record scheduler::take(handle h) {
  slot& s = slots_[h.index];
  core::message_record message = std::move(*s.message);
  s.message.reset();
  ++s.generation;
  if (s.ready) --ready_live_;
  s.ready = false;
  free_.push_back(h.index);
  --live_;
  return message;
}

std::vector<core::message_record> scheduler::cancel(std::span<const std::uint64_t> ids) {
  std::vector<core::message_record> out;
  for (std::uint32_t i = 0; i < slots_.size() && out.size() < ids.size(); ++i) {
    const slot& s = slots_[i];
    if (!s.message || std::find(ids.begin(), ids.end(), s.message->id) == ids.end()) continue;
    out.push_back(take(handle{i, s.generation}));
  }
  return out;
}

void scheduler::advance(wall_time now) {
  // Expiry first, so that nothing past its validity is handed over.
  while (!validity_.empty() && validity_.front().at <= now) {
    const timed t = heap_pop(validity_);
    if (live(t.h)) expired_out_.push_back(take(t.h));
  }
  while (!scheduled_.empty() && scheduled_.front().at <= now) {
    const timed t = heap_pop(scheduled_);
    if (live(t.h)) make_ready(t.h);
  }
}

void scheduler::compact_if_stale() {
  // Stale handles pile up in validity_ (messages handed over long before their validity)
  // and in scheduled_ (messages expired before their schedule time). Rebuilding when more
  // than half are stale keeps memory flat at O(1) amortised per message.
  const auto compact = [this](min_heap<timed>& heap) {
    if (heap.size() < 1024 || heap.size() < 2 * live_) return;
    std::erase_if(heap, [this](const timed& t) { return !live(t.h); });
    std::make_heap(heap.begin(), heap.end(), std::greater<>());
  };
  compact(validity_);
  compact(scheduled_);
}

std::vector<core::message_record> scheduler::due(wall_time now, std::size_t max) {
  advance(now);
  std::vector<core::message_record> out;
  out.reserve(std::min(max, ready_live_));
  for (int priority = 3; priority >= 0 && out.size() < max; --priority) {
    auto& queue = ready_[priority];
    while (!queue.empty() && out.size() < max) {
      const handle h = queue.front();
      queue.pop_front();
      if (live(h)) out.push_back(take(h));
    }
  }
  compact_if_stale();
  return out;
}

std::vector<core::message_record> scheduler::expired(wall_time now) {
  advance(now);
  std::vector<core::message_record> out;
  out.swap(expired_out_);
  return out;
}

void scheduler::add_in_flight(core::message_record message, const verdict& v, wall_time now) {
  ++in_flight_count_;
  const auto shared = std::make_shared<const core::message_record>(std::move(message));
  const std::uint64_t id = shared->id;
  if (v.enroute_first) {
    heap_push(in_flight_, pending{now, sequence_++,
                                  outcome{id, dlr::receipt_status::enroute, 0, now, shared, {}}});
  }
  const wall_time verdict_at = now + v.delay;
  // The carrier gives up at the validity_period; an intermediate verdict never ends by
  // itself, so it ends there too (or after default_validity).
  std::optional<wall_time> expires_at = shared->validity_period;
  if (!dlr::is_final(v.status) && !expires_at) expires_at = now + settings_.default_validity;

  if (expires_at && verdict_at > *expires_at) {
    heap_push(in_flight_,
              pending{*expires_at, sequence_++,
                      outcome{id, dlr::receipt_status::expired, 0, *expires_at, shared, {}}});
    return;
  }
  heap_push(in_flight_, pending{verdict_at, sequence_++,
                                outcome{id, v.status, v.error, verdict_at, shared, {}}});
  if (!dlr::is_final(v.status)) {
    heap_push(in_flight_,
              pending{*expires_at, sequence_++,
                      outcome{id, dlr::receipt_status::expired, 0, *expires_at, shared, {}}});
  }
}

std::vector<outcome> scheduler::completed(wall_time now) {
  std::vector<outcome> out;
  while (!in_flight_.empty() && in_flight_.front().at <= now) {
    pending p = heap_pop(in_flight_);
    if (p.report.is_final()) --in_flight_count_;
    out.push_back(std::move(p.report));
  }
  return out;
}

std::optional<wall_time> scheduler::next_wake() const noexcept {
  if (ready_live_ > 0 || !expired_out_.empty()) return wall_time::min();
  std::optional<wall_time> wake;
  const auto consider = [&wake](wall_time t) {
    if (!wake || t < *wake) wake = t;
  };
  if (!scheduled_.empty()) consider(scheduled_.front().at);
  if (!validity_.empty()) consider(validity_.front().at);
  if (!in_flight_.empty()) consider(in_flight_.front().at);
  return wake;
}

}  // namespace smppd::carrier
