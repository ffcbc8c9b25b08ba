#pragma once
// The messages between "durable" and "final", as a pure function of `now`:
//   add() ──schedule time──▶ due() ──▶ simulator ──▶ add_in_flight() ──delay──▶ completed()
//     └───────validity_period passes first──────▶ expired()
// due() hands over the highest priority first (priority_flag 3 before 0), FIFO within a
// priority. A message still with the carrier at its validity_period completes as EXPIRED.
// Heaps and FIFO queues throughout: every operation is O(log n) per message at most.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "carrier/simulator.hpp"
#include "common/clock.hpp"
#include "core/message_store.hpp"
#include "dlr/receipt.hpp"

namespace smppd::carrier {

// A carrier report for a message: intermediate (ENROUTE, BUFFERD) or final. `message` is
// the record handed over (shared by its reports), for dlr::receipt_for.
struct outcome {
  std::uint64_t message_id = 0;
  dlr::receipt_status status = dlr::receipt_status::delivrd;
  std::uint32_t error = 0;  // gateway error code
  wall_time done_at{};
  std::shared_ptr<const core::message_record> message;
  // Runs on the engine's thread once the report is durable (answers an upstream receipt).
  std::function<void()> after_durable;

  bool is_final() const noexcept { return dlr::is_final(status); }
};

// The store's state for a receipt status (what record_outcome stores).
core::message_state to_message_state(dlr::receipt_status status) noexcept;

struct scheduler_settings {
  // How long the carrier keeps a message it reported ENROUTE/BUFFERD as its verdict when
  // the message has no validity_period; then it is EXPIRED.
  std::chrono::seconds default_validity = std::chrono::hours(48);
};

class scheduler {
 public:
  explicit scheduler(scheduler_settings settings = {});

  // A durable message waiting for the carrier (also at start-up, for unfinished messages).
  void add(core::message_record message);

  // Up to `max` messages whose schedule_delivery_time (if any) is <= now, highest priority
  // first, FIFO within a priority. Messages whose validity has passed are never returned:
  // they come out of expired().
  std::vector<core::message_record> due(wall_time now, std::size_t max);
  // Messages whose validity_period passed (<= now) before they were handed over. Each
  // completes as EXPIRED, error 0, done at its validity_period.
  std::vector<core::message_record> expired(wall_time now);

  // A message handed over at `now` with the simulator's verdict. completed() reports it
  // after the verdict's delay (EXPIRED at its validity_period if that comes first).
  void add_in_flight(core::message_record message, const verdict& v, wall_time now);
  // Reports whose time has come (done_at <= now), oldest first; a message's ENROUTE comes
  // before its final report.
  std::vector<outcome> completed(wall_time now);

  // When due(), expired() or completed() next has something to do: nullopt when nothing is
  // waiting at all, wall_time::min() when due() has messages ready now. May be early (never
  // late): after calling all three with `now`, it is later than `now` unless due() was cut
  // short by `max`.
  std::optional<wall_time> next_wake() const noexcept;

  // Takes the waiting (not yet handed over) messages among `ids` out, for the caller to
  // finish as DELETED; the others are not here (already with the carrier, or final).
  // Walks every waiting message: for a REST DELETE, which is rare.
  std::vector<core::message_record> cancel(std::span<const std::uint64_t> ids);

  std::size_t waiting() const noexcept { return live_; }  // added, not yet due nor expired
  std::size_t in_flight() const noexcept { return in_flight_count_; }  // with the carrier

 private:
  // A waiting message lives in slots_; queues and heaps hold handles to it. A handle whose
  // generation no longer matches is stale (the message left by another path) and skipped.
  struct handle {
    std::uint32_t index;
    std::uint32_t generation;
  };
  struct slot {
    std::optional<core::message_record> message;
    std::uint32_t generation = 0;
    bool ready = false;  // its handle is in ready_ (else in scheduled_)
  };
  struct timed {
    wall_time at;
    std::uint64_t sequence;  // FIFO among equal times
    handle h;
    friend bool operator>(const timed& a, const timed& b) noexcept {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };
  struct pending {
    wall_time at;
    std::uint64_t sequence;
    outcome report;
    friend bool operator>(const pending& a, const pending& b) noexcept {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };
  // std::priority_queue hides its container; these heaps are compacted in place.
  template <class T>
  using min_heap = std::vector<T>;

  bool live(handle h) const noexcept {
    return slots_[h.index].generation == h.generation && slots_[h.index].message.has_value();
  }
  core::message_record take(handle h);
  void advance(wall_time now);
  void make_ready(handle h);
  void compact_if_stale();

  scheduler_settings settings_;
  std::vector<slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
  std::uint64_t sequence_ = 0;

  std::deque<handle> ready_[4];  // by priority_flag
  std::size_t ready_live_ = 0;   // live handles in ready_
  min_heap<timed> scheduled_;    // by schedule_delivery_time
  min_heap<timed> validity_;     // by validity_period; entries go stale when handed over
  std::vector<core::message_record> expired_out_;

  min_heap<pending> in_flight_;
  std::size_t in_flight_count_ = 0;  // messages (not reports) with the carrier
};

}  // namespace smppd::carrier
