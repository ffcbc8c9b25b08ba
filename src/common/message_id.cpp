#include "common/message_id.hpp"

#include <stdexcept>

namespace smppd {

message_id_generator::message_id_generator(std::uint16_t node_id, std::uint64_t floor)
    : node_id_(node_id) {
  if (node_id >= (1u << node_bits)) throw std::invalid_argument("node id above 1023");
  // Start in the floor's millisecond with the sequence exhausted, so the first id lands in a
  // later millisecond than anything issued before, whatever this node's id is.
  last_ms_ = static_cast<std::int64_t>(floor >> (node_bits + sequence_bits));
  sequence_ = floor == 0 ? 0 : (1u << sequence_bits) - 1;
  if (floor == 0) last_ms_ = -1;
}

std::uint64_t message_id_generator::next(wall_time now) {
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() -
      epoch_ms;
  if (now_ms > last_ms_) {
    last_ms_ = now_ms;
    sequence_ = 0;
  } else if (++sequence_ >= (1u << sequence_bits)) {
    ++last_ms_;  // 4096 ids in one millisecond, or a clock behind us: borrow the next one
    sequence_ = 0;
  }
  return (static_cast<std::uint64_t>(last_ms_) << (node_bits + sequence_bits)) |
         (static_cast<std::uint64_t>(node_id_) << sequence_bits) | sequence_;
}

std::string format_message_id(std::uint64_t id) { return std::to_string(id); }

}  // namespace smppd
