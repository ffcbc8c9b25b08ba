#include "client/window.hpp"

#include <bit>

namespace smppd::client {

request_window::request_window(std::size_t capacity, std::size_t control_reserve,
                               std::uint32_t first_sequence_number)
    : capacity_(capacity == 0 ? 1 : capacity),
      control_reserve_(control_reserve),
      next_seq_(first_sequence_number == 0 ? max_sequence_number : first_sequence_number - 1) {
  // Twice the room, so a free slot is always found within a few probes.
  const std::size_t size = std::bit_ceil(2 * (capacity_ + control_reserve_));
  slots_.resize(size);
  mask_ = size - 1;
}

std::optional<std::uint32_t> request_window::try_acquire(smpp::command_id id, steady_time now,
                                                         std::chrono::nanoseconds timeout,
                                                         std::uint64_t tag, bool control) noexcept {
  if (control ? control_in_flight_ >= control_reserve_ : user_in_flight_ >= capacity_) {
    return std::nullopt;
  }
  // At most capacity + reserve of 2x that many slots are taken: a free one is near.
  std::uint32_t seq = next_sequence_number(next_seq_);
  while (slots_[seq & mask_].sequence_number != 0) seq = next_sequence_number(seq);
  next_seq_ = seq;
  auto& slot = slots_[seq & mask_];
  slot.sequence_number = seq;
  slot.command_id = id;
  slot.sent_at = now;
  slot.deadline = now + timeout;
  slot.tag = tag;
  slot.control = control;
  ++(control ? control_in_flight_ : user_in_flight_);
  return seq;
}

bool response_matches(smpp::command_id request, smpp::command_id response) noexcept {
  return response == smpp::command_id::generic_nack || smpp::response_id(request) == response;
}

std::optional<pending_request> request_window::complete(std::uint32_t sequence_number,
                                                        smpp::command_id response_id) noexcept {
  if (sequence_number == 0) return std::nullopt;
  auto& slot = slots_[sequence_number & mask_];
  if (slot.sequence_number != sequence_number || !response_matches(slot.command_id, response_id)) {
    return std::nullopt;
  }
  pending_request done = slot;
  release(slot);
  return done;
}

void request_window::release(pending_request& slot) noexcept {
  --(slot.control ? control_in_flight_ : user_in_flight_);
  slot.sequence_number = 0;
}

std::size_t request_window::expire(steady_time now, std::vector<pending_request>& out) {
  if (empty()) return 0;
  std::size_t n = 0;
  for (auto& slot : slots_) {
    if (slot.sequence_number != 0 && slot.deadline <= now) {
      out.push_back(slot);
      release(slot);
      ++n;
    }
  }
  return n;
}

std::optional<steady_time> request_window::next_deadline() const noexcept {
  std::optional<steady_time> best;
  if (empty()) return best;
  for (const auto& slot : slots_) {
    if (slot.sequence_number != 0 && (!best || slot.deadline < *best)) best = slot.deadline;
  }
  return best;
}

void request_window::drain(std::vector<pending_request>& out) {
  for (auto& slot : slots_) {
    if (slot.sequence_number != 0) {
      out.push_back(slot);
      release(slot);
    }
  }
}

}  // namespace smppd::client
