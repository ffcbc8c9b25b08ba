#pragma once
// The per-account receipt queues and their spreading over the account's receiver and
// transceiver sessions (contract, "Delivery receipts"). Pure and single-threaded: the
// gateway engine calls it under its own lock and sends what assign() returns.
//
//   enqueue(receipt)  once the receipt is durable (store::record_outcome done)
//   add_session / remove_session  when a receiver or transceiver binds / ends
//   assign(now)       after any of these, after acked(), and at next_retry()
//   acked(...)        deliver_sm_resp (or the session's 30 s timeout, as an error)
//   expire(now)       now and then (retention is hours; a minute's slack is fine)
//
// Every unacknowledged receipt is in exactly one place: its account's queue, waiting for a
// retry, or in flight on one session. Only an unacknowledged receipt is sent again (at least
// once); order is not guaranteed.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "config/config.hpp"
#include "core/message_store.hpp"

namespace smppd::dlr {

using session_id = std::uint64_t;

struct dispatcher_settings {
  // Unacknowledged receipts per account (queued, waiting for a retry or in flight); beyond
  // it the oldest are dropped and counted, as the store does with the durable copies.
  std::size_t max_pending_per_account = 25000;
  std::chrono::seconds retention = std::chrono::hours(48);
  // After an error ack: retry_first, doubling per failure of that receipt, at most retry_max.
  std::chrono::milliseconds retry_first{1000};
  std::chrono::milliseconds retry_max{30000};
};

inline dispatcher_settings make_dispatcher_settings(const config::dlr_config& c) {
  dispatcher_settings s;
  s.max_pending_per_account = c.max_pending_per_account;
  s.retention = std::chrono::hours(c.retention_h);
  return s;
}

// Send `receipt` (dlr::make_deliver_sm) on `session`, then report its ack with acked().
struct assignment {
  session_id session = 0;
  std::shared_ptr<const core::receipt_record> receipt;
};

enum class ack_result : std::uint8_t {
  done,     // acknowledged: remove it from the store (store::remove_receipt)
  retry,    // error or timeout: it waits for a retry; the store keeps it
  dropped,  // error for a receipt dropped (cap, retention) while in flight: nothing to do
  unknown,  // not in flight on that session (a duplicate or late ack): nothing to do
};

class dispatcher {
 public:
  explicit dispatcher(dispatcher_settings settings = {});

  // A receiver or transceiver session of `system_id` that may hold `window` unacknowledged
  // deliver_sm. False (and nothing changes) when the id is already known.
  bool add_session(session_id session, std::string_view system_id, std::uint32_t window);
  // The session ended: its receipts in flight go back to the front of their account's queue
  // at once (the next assign() sends them on another session). Returns how many.
  std::size_t remove_session(session_id session);

  // A durable receipt (receipt_id set by the store, unique). A receipt_id already known is
  // ignored. Returns how many of the account's oldest receipts (lowest receipt_id, as the
  // store drops them) were dropped for the cap.
  std::size_t enqueue(core::receipt_record receipt);

  // What to send now: each queued receipt to the account's session with the fewest
  // unacknowledged deliver_sm (ties in turn), never beyond a session's window. Retries
  // whose time has come (<= now) are queued again first.
  std::vector<assignment> assign(wall_time now);

  // The session's answer for a receipt it carries: ok → done; an error status or the
  // session's response timeout → a retry after a delay. Frees the window slot either way.
  ack_result acked(session_id session, std::uint64_t receipt_id, bool ok, wall_time now);

  // Drops receipts created at or before now - retention; returns their ids (to remove from
  // the store). One in flight is forgotten when its ack comes.
  std::vector<std::uint64_t> expire(wall_time now);

  // For a cluster, where receipts are shared through the store: how many more of an
  // account's receipts this node should hold, given its sessions here (0 without any): the
  // larger of `floor` and `per_window` times their windows, less what it holds already.
  std::size_t room(std::string_view system_id, std::size_t floor, std::size_t per_window) const;
  // room() of every account with a session here, where it is not 0.
  std::vector<std::pair<std::string, std::size_t>> rooms(std::size_t floor,
                                                         std::size_t per_window) const;
  // Forgets every receipt of the accounts that have no session here (a cluster hands them
  // to another node); returns their ids.
  std::vector<std::uint64_t> release_unattended();

  // When assign() next has a retry to queue; nullopt when none waits.
  std::optional<wall_time> next_retry() const noexcept;

  std::size_t pending() const noexcept { return pending_; }  // unacknowledged, all accounts
  // Per account with any: unacknowledged receipts and MO, and its receiver sessions.
  struct account_queue {
    std::string system_id;
    std::size_t pending = 0;
    std::size_t receivers = 0;
  };
  std::vector<account_queue> queues() const;
  std::size_t pending(std::string_view system_id) const;
  std::size_t queued(std::string_view system_id) const;  // waiting for a session
  std::size_t in_flight(session_id session) const;
  std::uint64_t dropped() const noexcept { return dropped_; }  // for the cap
  std::uint64_t expired() const noexcept { return expired_; }  // for retention

 private:
  enum class where : std::uint8_t { queued, waiting_retry, in_flight };
  struct account;
  struct node {
    std::shared_ptr<const core::receipt_record> receipt;
    account* owner = nullptr;
    where state = where::queued;
    bool dropped = false;     // dropped while in flight: forgotten at its ack
    std::uint32_t token = 0;  // bumped on each (re)queue: older queue entries are stale
    std::uint32_t failures = 0;
  };
  struct entry {
    std::uint64_t id;
    std::uint32_t token;
  };
  struct session_slot {
    account* owner = nullptr;
    std::uint32_t window = 0;
    std::vector<std::uint64_t> in_flight;  // at most window
  };
  struct account {
    std::string system_id;
    std::deque<entry> ready;  // front is sent first; stale entries skipped
    std::size_t ready_live = 0;
    // Min-heap of receipt ids (the store's "oldest" too), for the cap and retention; ids no
    // longer pending are skipped and compacted away.
    std::vector<std::uint64_t> age;
    std::size_t pending = 0;  // unacknowledged and not dropped
    std::vector<session_id> sessions;
    std::size_t cursor = 0;  // round robin among equally loaded sessions
    bool dirty = false;      // may have work for assign()
  };
  struct retry {
    wall_time at;
    std::uint64_t sequence;
    entry e;
    friend bool operator>(const retry& a, const retry& b) noexcept {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  account& account_for(std::string_view system_id);
  const account* find_account(std::string_view system_id) const;
  void mark_dirty(account& a);
  void queue_back(node& n, std::uint64_t id);
  void queue_front(node& n, std::uint64_t id);
  bool counts(std::uint64_t id) const;  // unacknowledged and not dropped
  void drop(std::uint64_t id);
  void trim_age(account& a);
  static void pop_age(account& a);
  void fill(account& a, std::vector<assignment>& out);

  dispatcher_settings settings_;
  std::unordered_map<std::string, account, string_hash, std::equal_to<>> accounts_;
  std::unordered_map<session_id, session_slot> sessions_;
  std::unordered_map<std::uint64_t, node> nodes_;
  std::vector<retry> retries_;  // min-heap
  std::vector<account*> dirty_;
  std::uint64_t sequence_ = 0;
  std::size_t pending_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t expired_ = 0;
};

}  // namespace smppd::dlr
