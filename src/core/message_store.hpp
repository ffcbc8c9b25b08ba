#pragma once
// The durable store of messages and receipts, as the engine sees it; the backends live in
// src/store. The server's promise "ESME_ROK means durable" rests on `append`: its
// completion runs only after the message is on disk (group commit: many messages, one
// transaction, one fsync). Everything else (outcomes, receipts) is written in the same
// batched way.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "common/clock.hpp"
#include "core/records.hpp"

namespace smppd::core {

// Why a store operation failed. The server answers `full` with ESME_RMSGQFUL and every other
// value with ESME_RSYSERR; the failed batch is rolled back and the next one is tried afresh.
enum class errc {
  full = 1,         // the disk or the database's size limit is full (SQLITE_FULL)
  io = 2,           // a read or write failed (SQLITE_IOERR)
  read_only = 3,    // the file or folder is not writable (SQLITE_READONLY, SQLITE_PERM)
  busy = 4,         // another process held the write lock too long (SQLITE_BUSY/LOCKED)
  corrupt = 5,      // the file is not a valid database (SQLITE_CORRUPT, SQLITE_NOTADB)
  duplicate = 6,    // a message with this id exists already (only that operation fails)
  unavailable = 7,  // any other failure of the backend
};

const std::error_category& store_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

class message_store {
 public:
  virtual ~message_store() = default;

  // Completions run on the store's writer thread after the batch's commit (or rollback):
  // keep them cheap (post the result elsewhere), and never call flush() or the recovery
  // functions from one. An empty error_code means durable.
  using done_callback = std::function<void(std::error_code)>;
  // receipt_id: the id the store gave the queued receipt (for remove_receipt); 0 when the
  // outcome had no receipt or failed.
  using outcome_callback = std::function<void(std::error_code, std::uint64_t receipt_id)>;

  // Durable when `done` runs with no error. A full disk or an unwritable file gives an
  // errc; the caller answers ESME_RMSGQFUL (errc::full) or ESME_RSYSERR.
  virtual void append(message_record message, done_callback done) = 0;
  // A message's new state (carrier verdict, expiry), with the receipt to queue if any, in
  // one transaction. Beyond max_pending_per_account the account's oldest receipts are
  // dropped and counted (dropped_receipts). The receipt's receipt_id is ignored: the store
  // assigns one and passes it to `done`.
  virtual void record_outcome(std::uint64_t message_id, message_state state, wall_time done_at,
                              std::uint32_t error_code, std::optional<receipt_record> receipt,
                              outcome_callback done) = 0;
  // The receiver acknowledged a receipt: it is gone for good. An unknown id (already
  // removed, or dropped by the cap or the retention) is not an error.
  virtual void remove_receipt(std::uint64_t receipt_id, done_callback done) = 0;

  // Start-up recovery, on the committed state (call flush() first when operations may be
  // queued). Messages not yet in a final state, by id.
  virtual std::vector<message_record> unfinished_messages() = 0;
  // Receipts not acknowledged, oldest first; those created more than `retention` ago are
  // deleted first.
  virtual std::vector<receipt_record> pending_receipts(std::chrono::hours retention) = 0;
  // The highest message id ever stored (the floor for the next ids after a restart).
  virtual std::uint64_t max_message_id() = 0;
  // Receipts dropped because an account had too many pending, since the store was opened.
  virtual std::uint64_t dropped_receipts() const = 0;
  // Deletes messages in a final state done more than `older_than` ago (called periodically
  // by the server, with the receipt retention). Returns how many were deleted; `ec` is set
  // on failure (what was deleted before it stays deleted).
  virtual std::uint64_t purge_finished(std::chrono::hours older_than, std::error_code& ec) = 0;

  // Blocks until every operation enqueued before the call is committed (or failed) and its
  // completion has run (shutdown).
  virtual void flush() = 0;
};

}  // namespace smppd::core

template <>
struct std::is_error_code_enum<smppd::core::errc> : std::true_type {};
