#pragma once
// The steps of a batch as bytes: what the embedded store commits in one row per group
// commit, and reads back to rebuild its state after a crash. Pure: no SQL, no I/O.
//
// Steps are written as applied ("resolved"): a finished message's receipt carries the id
// the store gave it, and the receipts the per-account cap dropped are written as explicit
// removals, so replaying a batch never decides anything again.
//
// Format (version 1): a version octet, then entries of a tag octet and the step's fields in
// field-list order. Integers, enums and times (milliseconds since the epoch, two's
// complement) are LEB128 varints; strings and octet strings a varint length and the bytes;
// an optional a presence octet (0/1) and the value.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/message_store.hpp"

namespace smppd::store::journal {

inline constexpr std::uint8_t format_version = 1;

class encoder {
 public:
  encoder();
  void accepted(const core::message_record& message);
  void enroute(const core::message_enroute& step);
  // `receipt_id` is the id the receipt was given (ignored without a receipt).
  void finished(const core::message_finished& step, std::uint64_t receipt_id);
  void receipt_removed(std::uint64_t receipt_id);

  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t steps() const { return steps_; }
  // Empties it for the next batch, keeping the capacity.
  void clear();

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t steps_ = 0;
};

// Calls `each` with every step of a batch, in order (a receipt_acknowledged stands for any
// removal). False, with nothing more called, at the first entry that does not decode: a
// truncated or corrupt batch, or a newer format.
bool decode(std::span<const std::uint8_t> batch,
            const std::function<void(core::message_step&&)>& each);

}  // namespace smppd::store::journal
