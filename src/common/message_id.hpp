#pragma once
// Message ids: 63-bit numbers printed in decimal (at most 19 digits), unique across restarts
// and cluster nodes. Layout, most significant first:
//   41 bits  milliseconds since 2024-01-01T00:00:00Z (good until 2093)
//   10 bits  node id (0..1023)
//   12 bits  sequence within the millisecond
// Restarts: the generator starts at or above a persisted floor (the last id issued, written
// by the store), so a clock that stepped back cannot repeat an id.

#include <cstdint>
#include <string>

#include "common/clock.hpp"

namespace smppd {

class message_id_generator {
 public:
  static constexpr std::int64_t epoch_ms = 1704067200000;  // 2024-01-01T00:00:00Z
  static constexpr unsigned node_bits = 10;
  static constexpr unsigned sequence_bits = 12;

  // floor: an id issued before (e.g. the highest in the store); every new id is above it.
  explicit message_id_generator(std::uint16_t node_id, std::uint64_t floor = 0);

  // Never returns the same value twice, even if `now` goes backwards: it then borrows from
  // future milliseconds until the clock catches up.
  std::uint64_t next(wall_time now);

  static std::uint16_t node_of(std::uint64_t id) {
    return static_cast<std::uint16_t>((id >> sequence_bits) & ((1u << node_bits) - 1));
  }
  static std::int64_t unix_ms_of(std::uint64_t id) {
    return static_cast<std::int64_t>(id >> (node_bits + sequence_bits)) + epoch_ms;
  }

 private:
  std::uint16_t node_id_;
  std::int64_t last_ms_ = 0;  // relative to epoch_ms
  std::uint32_t sequence_ = 0;
};

std::string format_message_id(std::uint64_t id);

}  // namespace smppd
