#pragma once
// The steps of a batch as bytes: what the embedded store commits in one row per group
// commit, and reads back to rebuild its state after a crash. Pure: no SQL, no I/O.
//
// Steps are written as applied ("resolved"): a finished message's receipt carries the id
// the store gave it, and the receipts the per-account cap dropped are written as explicit
// removals, so replaying a batch never decides anything again.
//
// Format (version 1): a version octet, then entries of a tag octet, the body's length (four
// octets, little-endian) and the body: the step's fields in field-list order. Integers, enums and
// times (milliseconds since the epoch, two's complement) are LEB128 varints; strings and octet
// strings a varint length and the bytes; an optional a presence octet (0/1) and the value. The
// length lets a reader skip what it does not need (the fold looks only at what is still live).
// Fields added later go at the end of a record's field list and may be missing from older
// entries (a receipt's esm_class and data_coding, added with MO): the format stays version 1.
//
// Stored rows are compressed (format 2): the octet 2, the length of the format-1 batch as a
// varint, then that batch as one LZ4 block. A batch is mostly repeated values (accounts,
// addresses, receipt texts that differ in a few digits) and shrinks 4-5x, and every page
// the store writes, syncs and checkpoints with it. Rows of format 1 are still read.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/message_store.hpp"

namespace smppd::store::journal {

inline constexpr std::uint8_t format_version = 1;
inline constexpr std::uint8_t compressed_format_version = 2;

class encoder {
 public:
  encoder();
  void accepted(const core::message_record& message);
  void enroute(const core::message_enroute& step);
  // `receipt_id` is the id the receipt was given (ignored without a receipt).
  void finished(const core::message_finished& step, std::uint64_t receipt_id);
  void receipt_removed(std::uint64_t receipt_id);
  void mo_received(const core::receipt_record& mo, std::uint64_t receipt_id);

  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t steps() const { return steps_; }
  // Empties it for the next batch, keeping the capacity.
  void clear();

 private:
  // Starts an entry: its tag, and room for the body's length, filled in by end_entry().
  void begin_entry(std::uint8_t tag);
  void end_entry();
  void write_receipt(const core::receipt_record& r, std::uint64_t receipt_id);

  std::vector<std::uint8_t> bytes_;
  std::size_t body_at_ = 0;
  std::size_t steps_ = 0;
};

// A format-1 batch as a stored row (format 2), written over `row`; a batch beyond LZ4's
// input limit (~2 GB) is stored as it is.
void compress(std::span<const std::uint8_t> batch, std::vector<std::uint8_t>& row);
// The format-1 batch a stored row holds: the row itself (format 1), or its expansion into
// `scratch` (format 2). nullopt when a compressed row does not expand to its stated length.
std::optional<std::span<const std::uint8_t>> expand(std::span<const std::uint8_t> row,
                                                    std::vector<std::uint8_t>& scratch);

// Calls `each` with every step of a batch, in order (a receipt_acknowledged stands for any
// removal). All or nothing: false, with nothing called, when any entry does not decode (a
// truncated or corrupt batch, or a newer format).
bool decode(std::span<const std::uint8_t> batch,
            const std::function<void(core::message_step&&)>& each);

// One entry seen without decoding it: what it is and the ids that say whether it matters.
struct entry {
  enum class kind : std::uint8_t {
    accepted = 1,
    enroute = 2,
    finished = 3,
    receipt_removed = 4,
    mo_received = 5,
  };
  kind what;
  std::uint64_t message_id = 0;  // all but receipt_removed
  std::uint64_t receipt_id = 0;  // finished with a receipt, receipt_removed, mo_received
  std::span<const std::uint8_t> body;
};
// Calls `each` with every entry of a batch, reading only its ids: no allocation. False at
// the first entry that does not parse (nothing more called).
bool scan(std::span<const std::uint8_t> batch, const std::function<void(const entry&)>& each);
// The step of an entry from scan(); nullopt when its body does not decode.
std::optional<core::message_step> decode(const entry& e);

}  // namespace smppd::store::journal
