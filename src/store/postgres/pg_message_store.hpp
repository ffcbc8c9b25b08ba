#pragma once
// The message store on PostgreSQL, shared by the nodes of a cluster.
//
// write() only enqueues. A writer thread (of `writers`) takes everything queued (at most
// `max_batch` steps) and writes it in one transaction with a handful of multi-row statements: a
// binary COPY for new messages and receipts, one UPDATE for messages handed to a carrier, one
// DELETE each for finished messages and acknowledged receipts. Steps that cancel out within
// a batch (a message accepted and finished, a receipt queued and acknowledged) never reach
// the database. Completions run after the COMMIT returns (synchronous_commit on: on disk).
//
// Tables hold only what is live: messages not yet final (owned by the node that carries
// them on) and receipts not yet acknowledged (claimed_by = the node delivering it, NULL =
// whichever node of the account's receivers claims it: see cluster_store). A batch that
// queued unclaimed receipts sends one NOTIFY naming their accounts.
//
// When PostgreSQL is unreachable, each batch fails at once (errc::unavailable) and the next
// one connects again: the store recovers by itself when the database is back.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "core/message_store.hpp"
#include "store/postgres/connection.hpp"

namespace smppd::store::postgres {

struct pg_store_options {
  int node_id = 0;
  // false: synchronous_commit off for the writer (an ESME_ROK survives a crash of smppd,
  // not one of PostgreSQL's host).
  bool synchronous_full = true;
  std::size_t max_batch = 16384;
  // Writer threads, each with its connection, committing batches side by side (PostgreSQL
  // then flushes their commits together). Safe because the engine writes a step only
  // after the one before it in the message's life is durable.
  int writers = 3;
  const wall_clock* clock = &system_wall_clock();
  // Told once when writes start failing (with PostgreSQL's message) and once when they
  // succeed again; on the writer thread.
  std::function<void(bool failing, const std::string& message)> report;
};

// The channel of the NOTIFY for unclaimed receipts; the payload lists their accounts.
inline constexpr std::string_view receipts_channel = "smppd_receipts";

// A message or receipt record from its bytea column (the journal's encoding of one step);
// nullopt when the bytes do not decode.
std::optional<core::message_record> decode_message(std::span<const std::uint8_t> bytes);
std::optional<core::receipt_record> decode_receipt(std::span<const std::uint8_t> bytes);

class pg_message_store final : public core::message_store {
 public:
  // Connects and migrates the schema; throws pg_error.
  pg_message_store(std::string url, pg_store_options options);
  pg_message_store(const pg_message_store&) = delete;
  pg_message_store& operator=(const pg_message_store&) = delete;
  ~pg_message_store() override;

  void write(std::vector<core::message_step> steps, write_done done) override;

  // This node's: messages it owns, receipts it claimed (a restart after a crash).
  std::vector<core::message_record> unfinished_messages() override;
  std::vector<core::receipt_record> pending_receipts(std::chrono::hours retention) override;
  std::vector<core::message_record> waiting_messages(std::optional<core::waiting_cursor> after,
                                                     std::size_t limit) override;
  std::uint64_t max_message_id() override;
  std::uint64_t dropped_receipts() const override {
    return dropped_.load(std::memory_order_relaxed);
  }
  void add_dropped(std::uint64_t n) { dropped_.fetch_add(n, std::memory_order_relaxed); }
  void flush() override;

 private:
  struct request {
    std::vector<core::message_step> steps;
    write_done done;
    std::vector<core::step_result> results;
  };
  // One writer thread's own state.
  struct writer {
    std::unique_ptr<connection> db;
    std::uint64_t receipt_block_next = 0;  // the next id of its current block
    std::uint64_t receipt_block_end = 0;
    std::chrono::steady_clock::time_point next_connect{};  // no storm of attempts while down
    std::thread thread;
  };
  void writer_loop(writer& w);
  // Writes the batch in one transaction; throws pg_error (rolled back by the caller).
  void run_batch(writer& w, std::vector<request>& batch);
  std::uint64_t next_receipt_id(writer& w);
  void open_writer(writer& w);
  // The reader connection, connected again when it broke; under reader_mutex_.
  connection& reader();

  std::string url_;
  pg_store_options options_;
  std::vector<std::unique_ptr<writer>> writers_;
  // The highest message id written, recorded in the node's row at most once a second
  // (one row for all writers: more often, they would queue on its lock).
  std::mutex floor_mutex_;
  std::uint64_t highest_id_ = 0;
  std::uint64_t recorded_id_ = 0;
  std::chrono::steady_clock::time_point next_floor_{};
  std::atomic<bool> failing_{false};

  std::mutex reader_mutex_;
  std::unique_ptr<connection> reader_db_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::vector<request> queue_;
  std::uint64_t enqueued_ = 0;
  std::uint64_t completed_ = 0;
  bool stopping_ = false;

  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace smppd::store::postgres
