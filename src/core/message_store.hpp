#pragma once
// The durable store of messages and receipts, as the engine sees it; the backends live in
// src/store. The store records the steps of a message's life, each one small write:
//
//   accepted ─▶ [enroute: with a carrier, under its upstream id] ─▶ finished (+ receipt)
//                                                       receipt ─▶ acknowledged (gone)
//
// Steps are written in batches (group commit: many steps, one transaction, one fsync) and
// `write` takes any number of them at once, so a caller with many (a turn of the engine, a
// burst of acks) pays for one hand-over. The server's promise "ESME_ROK means durable"
// rests on this: a step's completion runs only after it is on disk.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <variant>
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

// ---- the steps of a message's life ---------------------------------------------------

// Durable from here: the client may be told ESME_ROK.
struct message_accepted {
  message_record message;
};
// Handed to a carrier, which answered with its own id for the message.
struct message_enroute {
  std::uint64_t message_id = 0;
  std::string carrier;
  std::string upstream_id;
};
// A final state (or an intermediate one the customer hears of), with the receipt to queue
// if any. The receipt's receipt_id is ignored: the store assigns one (step_result).
// Beyond max_pending_per_account the account's oldest receipts are dropped and counted.
struct message_finished {
  std::uint64_t message_id = 0;
  message_state state = message_state::delivered;
  wall_time done_at{};
  std::uint32_t error_code = 0;
  std::optional<receipt_record> receipt;
  // A shared store (a cluster): true = this node delivers the receipt (it has a receiver of
  // the account with room); false = queued for whichever node claims it. Ignored otherwise.
  bool deliver_here = true;
};
// The receiver acknowledged the receipt (or it expired): gone for good. An unknown id
// (already removed, or dropped by the cap or the retention) is not an error.
struct receipt_acknowledged {
  std::uint64_t receipt_id = 0;
};

// An MO from a carrier, queued for its account's receivers like a receipt (an id assigned,
// the same cap and retention) until acknowledged.
struct mo_received {
  receipt_record mo;
  bool deliver_here = true;  // as in message_finished
};

using message_step = std::variant<message_accepted, message_enroute, message_finished,
                                  receipt_acknowledged, mo_received>;

struct step_result {
  std::error_code ec;            // empty = durable
  std::uint64_t receipt_id = 0;  // message_finished with a receipt, mo_received: its id
};

// Where a page of waiting messages ended (priority order: highest first, then by id).
struct waiting_cursor {
  std::uint8_t priority = 0;
  std::uint64_t id = 0;
};

class message_store {
 public:
  virtual ~message_store() = default;

  // Runs on the store's writer thread after the batch's commit (or rollback), with one
  // result per step in the order given, and the steps themselves as they were given (a
  // receipt with the id it was given): the caller moves out what it needs next instead of
  // keeping a copy. Keep it cheap (post the result elsewhere), and never call flush() or a
  // recovery function from it.
  using write_done =
      std::function<void(std::span<const step_result> results, std::span<message_step> steps)>;
  virtual void write(std::vector<message_step> steps, write_done done) = 0;

  // One step at a time, for callers with one (tests, tools).
  using done_callback = std::function<void(std::error_code)>;
  using outcome_callback = std::function<void(std::error_code, std::uint64_t receipt_id)>;
  void append(message_record message, done_callback done);
  void record_outcome(std::uint64_t message_id, message_state state, wall_time done_at,
                      std::uint32_t error_code, std::optional<receipt_record> receipt,
                      outcome_callback done);
  void remove_receipt(std::uint64_t receipt_id, done_callback done);

  // Start-up recovery, on the committed state (call flush() first when steps may be
  // queued). Messages not yet in a final state, by id.
  virtual std::vector<message_record> unfinished_messages() = 0;
  // Receipts not acknowledged, oldest first; those created more than `retention` ago are
  // deleted first.
  virtual std::vector<receipt_record> pending_receipts(std::chrono::hours retention) = 0;
  // Messages accepted and not yet with a carrier, highest priority first, then oldest
  // first, starting after `after`: at most `limit`, so a long queue is read page by page.
  virtual std::vector<message_record> waiting_messages(std::optional<waiting_cursor> after,
                                                       std::size_t limit) = 0;
  // The highest message id ever stored (the floor for the next ids after a restart).
  virtual std::uint64_t max_message_id() = 0;
  // Receipts dropped because an account had too many pending, since the store was opened.
  virtual std::uint64_t dropped_receipts() const = 0;

  // Blocks until every step written before the call is committed (or failed) and its
  // completion has run (shutdown).
  virtual void flush() = 0;
};

}  // namespace smppd::core

template <>
struct std::is_error_code_enum<smppd::core::errc> : std::true_type {};
