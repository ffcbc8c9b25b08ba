#include "dlr/dispatcher.hpp"

#include <algorithm>
#include <utility>

namespace smppd::dlr {
namespace {

// Lazy queues are rebuilt once more than half of them is stale: O(1) amortised per receipt,
// and memory stays proportional to the receipts pending.
constexpr std::size_t compact_floor = 1024;

template <class Container>
bool worth_compacting(const Container& c, std::size_t live) noexcept {
  return c.size() >= compact_floor && c.size() >= 2 * live;
}

}  // namespace

dispatcher::dispatcher(dispatcher_settings settings) : settings_(settings) {}

dispatcher::account& dispatcher::account_for(std::string_view system_id) {
  auto it = accounts_.find(system_id);
  if (it == accounts_.end()) {
    it = accounts_.emplace(std::string(system_id), account{}).first;
    it->second.system_id = it->first;
  }
  return it->second;
}

const dispatcher::account* dispatcher::find_account(std::string_view system_id) const {
  const auto it = accounts_.find(system_id);
  return it == accounts_.end() ? nullptr : &it->second;
}

void dispatcher::mark_dirty(account& a) {
  if (!a.dirty) {
    a.dirty = true;
    dirty_.push_back(&a);
  }
}

void dispatcher::queue_back(node& n, std::uint64_t id) {
  n.state = where::queued;
  n.owner->ready.push_back(entry{id, ++n.token});
  ++n.owner->ready_live;
  mark_dirty(*n.owner);
}

void dispatcher::queue_front(node& n, std::uint64_t id) {
  n.state = where::queued;
  n.owner->ready.push_front(entry{id, ++n.token});
  ++n.owner->ready_live;
  mark_dirty(*n.owner);
}

bool dispatcher::add_session(session_id id, std::string_view system_id, std::uint32_t window) {
  if (sessions_.contains(id)) return false;
  account& a = account_for(system_id);
  session_slot& s = sessions_[id];
  s.owner = &a;
  s.window = window;
  s.in_flight.reserve(window);
  a.sessions.push_back(id);
  mark_dirty(a);
  return true;
}

std::size_t dispatcher::remove_session(session_id id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return 0;
  session_slot s = std::move(it->second);
  sessions_.erase(it);
  account& a = *s.owner;
  const auto pos = std::find(a.sessions.begin(), a.sessions.end(), id);
  const auto index = static_cast<std::size_t>(pos - a.sessions.begin());
  a.sessions.erase(pos);
  if (a.cursor > index) --a.cursor;
  if (a.cursor >= a.sessions.size()) a.cursor = 0;

  std::size_t requeued = 0;
  // Reverse, so the oldest in flight ends up first in the queue.
  for (auto r = s.in_flight.rbegin(); r != s.in_flight.rend(); ++r) {
    const auto n = nodes_.find(*r);
    if (n == nodes_.end()) continue;
    if (n->second.dropped) {
      nodes_.erase(n);
      continue;
    }
    queue_front(n->second, *r);
    ++requeued;
  }
  return requeued;
}

bool dispatcher::counts(std::uint64_t id) const {
  const auto n = nodes_.find(id);
  return n != nodes_.end() && !n->second.dropped;
}

void dispatcher::drop(std::uint64_t id) {
  const auto it = nodes_.find(id);
  if (it == nodes_.end() || it->second.dropped) return;
  node& n = it->second;
  --n.owner->pending;
  --pending_;
  switch (n.state) {
    case where::in_flight:
      // The session still holds a window slot for it until the ack comes.
      n.dropped = true;
      return;
    case where::queued:
      --n.owner->ready_live;  // its ready entry is now stale
      break;
    case where::waiting_retry:
      break;  // its retry entry is now stale
  }
  nodes_.erase(it);
}

void dispatcher::trim_age(account& a) {
  if (worth_compacting(a.age, a.pending)) {
    std::erase_if(a.age, [this](std::uint64_t id) { return !counts(id); });
    std::make_heap(a.age.begin(), a.age.end(), std::greater<>());
  }
  while (!a.age.empty() && !counts(a.age.front())) pop_age(a);
}

void dispatcher::pop_age(account& a) {
  std::pop_heap(a.age.begin(), a.age.end(), std::greater<>());
  a.age.pop_back();
}

std::size_t dispatcher::enqueue(core::receipt_record receipt) {
  const std::uint64_t id = receipt.receipt_id;
  if (nodes_.contains(id)) return 0;
  account& a = account_for(receipt.system_id);
  node& n = nodes_[id];
  n.receipt = std::make_shared<const core::receipt_record>(std::move(receipt));
  n.owner = &a;
  queue_back(n, id);
  a.age.push_back(id);
  std::push_heap(a.age.begin(), a.age.end(), std::greater<>());
  ++a.pending;
  ++pending_;

  std::size_t dropped = 0;
  while (a.pending > settings_.max_pending_per_account) {
    trim_age(a);
    const std::uint64_t oldest = a.age.front();
    pop_age(a);
    drop(oldest);
    ++dropped;
  }
  dropped_ += dropped;
  if (dropped > 0 && worth_compacting(a.ready, a.ready_live)) {
    std::erase_if(a.ready, [this](const entry& e) {
      const auto it = nodes_.find(e.id);
      return it == nodes_.end() || it->second.state != where::queued || it->second.token != e.token;
    });
  }
  return dropped;
}

void dispatcher::fill(account& a, std::vector<assignment>& out) {
  const std::size_t count = a.sessions.size();
  while (a.ready_live > 0 && count > 0) {
    // The session with the fewest unacknowledged, starting at the cursor: ties in turn.
    session_slot* best = nullptr;
    std::size_t best_index = 0;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t i = (a.cursor + k) % count;
      session_slot& s = sessions_.find(a.sessions[i])->second;
      if (s.in_flight.size() >= s.window) continue;
      if (best == nullptr || s.in_flight.size() < best->in_flight.size()) {
        best = &s;
        best_index = i;
      }
    }
    if (best == nullptr) return;  // every window is full

    const entry e = a.ready.front();
    a.ready.pop_front();
    const auto it = nodes_.find(e.id);
    if (it == nodes_.end() || it->second.state != where::queued || it->second.token != e.token) {
      continue;  // stale
    }
    --a.ready_live;
    node& n = it->second;
    n.state = where::in_flight;
    best->in_flight.push_back(e.id);
    a.cursor = (best_index + 1) % count;
    out.push_back(assignment{a.sessions[best_index], n.receipt});
  }
}

std::vector<assignment> dispatcher::assign(wall_time now) {
  while (!retries_.empty() && retries_.front().at <= now) {
    std::pop_heap(retries_.begin(), retries_.end(), std::greater<>());
    const entry e = retries_.back().e;
    retries_.pop_back();
    const auto it = nodes_.find(e.id);
    if (it == nodes_.end() || it->second.state != where::waiting_retry ||
        it->second.token != e.token) {
      continue;  // dropped or expired meanwhile
    }
    queue_back(it->second, e.id);
  }

  std::vector<assignment> out;
  std::vector<account*> dirty;
  dirty.swap(dirty_);
  for (account* a : dirty) {
    a->dirty = false;
    fill(*a, out);
  }
  return out;
}

ack_result dispatcher::acked(session_id session, std::uint64_t receipt_id, bool ok, wall_time now) {
  const auto s = sessions_.find(session);
  if (s == sessions_.end()) return ack_result::unknown;
  auto& in_flight = s->second.in_flight;
  const auto pos = std::find(in_flight.begin(), in_flight.end(), receipt_id);
  if (pos == in_flight.end()) return ack_result::unknown;
  *pos = in_flight.back();
  in_flight.pop_back();
  account& a = *s->second.owner;
  mark_dirty(a);  // a window slot is free

  const auto it = nodes_.find(receipt_id);
  if (it == nodes_.end()) return ack_result::unknown;
  node& n = it->second;
  if (n.dropped) {
    nodes_.erase(it);
    return ok ? ack_result::done : ack_result::dropped;
  }
  if (ok) {
    nodes_.erase(it);
    --a.pending;
    --pending_;
    trim_age(a);
    return ack_result::done;
  }
  // Back off: retry_first, doubled per failure of this receipt, at most retry_max.
  ++n.failures;
  auto delay = settings_.retry_first;
  for (std::uint32_t k = 1; k < n.failures && delay < settings_.retry_max; ++k) delay *= 2;
  delay = std::min(delay, settings_.retry_max);
  n.state = where::waiting_retry;
  retries_.push_back(retry{now + delay, sequence_++, entry{receipt_id, ++n.token}});
  std::push_heap(retries_.begin(), retries_.end(), std::greater<>());
  return ack_result::retry;
}

std::vector<std::uint64_t> dispatcher::expire(wall_time now) {
  std::vector<std::uint64_t> out;
  const wall_time cutoff = now - settings_.retention;
  for (auto& [name, a] : accounts_) {
    while (true) {
      trim_age(a);
      if (a.age.empty()) break;
      const std::uint64_t id = a.age.front();
      if (nodes_.find(id)->second.receipt->created_at > cutoff) break;
      pop_age(a);
      drop(id);
      out.push_back(id);
    }
  }
  expired_ += out.size();
  if (worth_compacting(retries_, pending_)) {
    std::erase_if(retries_, [this](const retry& r) {
      const auto it = nodes_.find(r.e.id);
      return it == nodes_.end() || it->second.state != where::waiting_retry ||
             it->second.token != r.e.token;
    });
    std::make_heap(retries_.begin(), retries_.end(), std::greater<>());
  }
  return out;
}

std::size_t dispatcher::room(std::string_view system_id, std::size_t floor,
                             std::size_t per_window) const {
  const account* a = find_account(system_id);
  if (a == nullptr || a->sessions.empty()) return 0;
  std::size_t windows = 0;
  for (const auto id : a->sessions) windows += sessions_.find(id)->second.window;
  const std::size_t want = std::max(floor, per_window * windows);
  return want > a->pending ? want - a->pending : 0;
}

std::vector<std::pair<std::string, std::size_t>> dispatcher::rooms(std::size_t floor,
                                                                   std::size_t per_window) const {
  std::vector<std::pair<std::string, std::size_t>> out;
  for (const auto& [name, a] : accounts_) {
    if (const auto n = room(name, floor, per_window); n > 0) out.emplace_back(name, n);
  }
  return out;
}

std::vector<std::uint64_t> dispatcher::release_unattended() {
  std::vector<std::uint64_t> out;
  for (auto& [name, a] : accounts_) {
    if (!a.sessions.empty() || a.pending == 0) continue;
    // Without a session nothing is in flight: every pending receipt is queued or waiting
    // for a retry, and all of them are in the age heap.
    for (const auto id : a.age) {
      if (!counts(id)) continue;
      out.push_back(id);
      nodes_.erase(id);
    }
    pending_ -= a.pending;
    a.pending = 0;
    a.age.clear();
    a.ready.clear();
    a.ready_live = 0;
  }
  return out;
}

std::optional<wall_time> dispatcher::next_retry() const noexcept {
  if (retries_.empty()) return std::nullopt;
  return retries_.front().at;
}

std::size_t dispatcher::pending(std::string_view system_id) const {
  const account* a = find_account(system_id);
  return a ? a->pending : 0;
}

std::size_t dispatcher::queued(std::string_view system_id) const {
  const account* a = find_account(system_id);
  return a ? a->ready_live : 0;
}

std::size_t dispatcher::in_flight(session_id id) const {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? 0 : it->second.in_flight.size();
}

std::vector<dispatcher::account_queue> dispatcher::queues() const {
  std::vector<account_queue> out;
  for (const auto& [id, a] : accounts_) {
    if (a.pending == 0 && a.sessions.empty()) continue;
    out.push_back({a.system_id, a.pending, a.sessions.size()});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& x, const auto& y) { return x.system_id < y.system_id; });
  return out;
}

}  // namespace smppd::dlr
