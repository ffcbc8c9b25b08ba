#pragma once
// The I/O-free core of a client session: sequence numbers and the window of requests that
// await a response, each with its own deadline. Time is an argument, so tests step it.
//
// Lookup is O(1) without allocation: the table has a power-of-two size above the window,
// and a new request takes the next sequence_number whose slot (seq & mask) is free, so a
// response finds its slot by index. Sequence numbers run 1..0x7FFFFFFF and wrap to 1.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/clock.hpp"
#include "smpp/command_id.hpp"

namespace smppd::client {

inline constexpr std::uint32_t max_sequence_number = 0x7FFFFFFF;

// The sequence_number after `seq`: 1..0x7FFFFFFF, then 1 again (0 is never used).
constexpr std::uint32_t next_sequence_number(std::uint32_t seq) noexcept {
  return seq >= max_sequence_number ? 1 : seq + 1;
}

// One request in flight.
struct pending_request {
  std::uint32_t sequence_number = 0;
  smpp::command_id command_id = smpp::command_id{0};
  steady_time sent_at{};
  steady_time deadline{};
  std::uint64_t tag = 0;  // the caller's: a cookie for its own bookkeeping
  bool control = false;   // bind, unbind, enquire_link: outside the user's window
};

class request_window {
 public:
  // capacity: user requests in flight at most. control_reserve: extra room for bind,
  // enquire_link and unbind, which must never wait behind a full window.
  explicit request_window(std::size_t capacity, std::size_t control_reserve = 4,
                          std::uint32_t first_sequence_number = 1);

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t in_flight() const noexcept { return user_in_flight_; }  // user requests only
  std::size_t total_in_flight() const noexcept { return user_in_flight_ + control_in_flight_; }
  bool full() const noexcept { return user_in_flight_ >= capacity_; }
  bool empty() const noexcept { return total_in_flight() == 0; }

  // Takes a slot and a sequence_number for a request; nullopt when the window (or, for a
  // control request, the reserve) is full.
  std::optional<std::uint32_t> try_acquire(smpp::command_id id, steady_time now,
                                           std::chrono::nanoseconds timeout, std::uint64_t tag,
                                           bool control = false) noexcept;

  // Matches a response by sequence_number and frees its slot. nullopt for a response that
  // answers nothing in flight (late, duplicate, or invented by the peer): the caller logs
  // and ignores it. A response of the wrong kind for the request in that slot (a
  // submit_sm_resp for an enquire_link) does not match either; generic_nack matches any.
  std::optional<pending_request> complete(std::uint32_t sequence_number,
                                          smpp::command_id response_id) noexcept;

  // Frees and returns (through `out`, appended) every request whose deadline is <= now.
  std::size_t expire(steady_time now, std::vector<pending_request>& out);

  // The earliest deadline in flight, if any.
  std::optional<steady_time> next_deadline() const noexcept;

  // Frees everything (the connection ended), appending to `out`.
  void drain(std::vector<pending_request>& out);

  std::uint32_t last_sequence_number() const noexcept { return next_seq_; }

 private:
  void release(pending_request& slot) noexcept;

  std::vector<pending_request> slots_;  // sequence_number 0 marks a free slot
  std::size_t mask_;
  std::size_t capacity_;
  std::size_t control_reserve_;
  std::size_t user_in_flight_ = 0;
  std::size_t control_in_flight_ = 0;
  std::uint32_t next_seq_;  // the last number handed out
};

// Does `response` answer `request`? generic_nack answers any request.
bool response_matches(smpp::command_id request, smpp::command_id response) noexcept;

// When to send the next enquire_link: `interval` after the last traffic either way, since any
// PDU proves the link. Pure, so the rule is testable without a clock.
struct link_timer {
  std::chrono::nanoseconds interval;
  steady_time last_activity{};

  void on_activity(steady_time now) noexcept { last_activity = now; }
  bool due(steady_time now) const noexcept {
    return interval.count() > 0 && now - last_activity >= interval;
  }
};

}  // namespace smppd::client
