#pragma once
// The embedded message store: one SQLite connection (WAL) owned by one writer thread.
// append / record_outcome / remove_receipt only enqueue; the writer takes everything queued
// (at most `max_batch` operations), runs it in one transaction with prepared statements,
// commits (one fsync for the whole batch), then runs the completions. A failed batch is
// rolled back, every completion of it gets the error, and the next batch starts afresh, so
// the store recovers by itself when the disk has room again.

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/message_store.hpp"
#include "store/sqlite/database.hpp"

namespace smppd::store::sqlite {

using core::errc;
using core::message_record;
using core::message_state;
using core::receipt_record;

struct message_store_options {
  // Per account; beyond it the oldest receipts are deleted in the same transaction.
  std::uint64_t max_pending_per_account = 25000;
  // true: PRAGMA synchronous=FULL, a commit survives power loss / an OS crash.
  // false: NORMAL, which in WAL mode survives a process crash (SIGKILL) but a power loss
  // may lose the last commits. See docs/benchmarks.md for what each costs.
  bool synchronous_full = true;
  // Most operations in one transaction.
  std::size_t max_batch = 10000;
  // PRAGMA wal_autocheckpoint, in pages (4 KiB): fewer, larger checkpoints.
  int wal_autocheckpoint_pages = 4000;
  // PRAGMA cache_size, in KiB.
  int cache_kib = 16384;
  // What "now" is for retention and purges.
  const wall_clock* clock = &system_wall_clock();
};

class sqlite_message_store final : public core::message_store {
 public:
  // Opens (creating it when missing) and migrates the database; throws store_error.
  explicit sqlite_message_store(const std::filesystem::path& file,
                                message_store_options options = {});
  sqlite_message_store(const sqlite_message_store&) = delete;
  sqlite_message_store& operator=(const sqlite_message_store&) = delete;
  // Flushes, then stops the writer thread.
  ~sqlite_message_store() override;

  void append(message_record message, done_callback done) override;
  void record_outcome(std::uint64_t message_id, message_state state, wall_time done_at,
                      std::uint32_t error_code, std::optional<receipt_record> receipt,
                      outcome_callback done) override;
  void remove_receipt(std::uint64_t receipt_id, done_callback done) override;

  std::vector<message_record> unfinished_messages() override;
  std::vector<receipt_record> pending_receipts(std::chrono::hours retention) override;
  std::uint64_t max_message_id() override;
  std::uint64_t dropped_receipts() const override {
    return dropped_.load(std::memory_order_relaxed);
  }
  std::uint64_t purge_finished(std::chrono::hours older_than, std::error_code& ec) override;
  void flush() override;

  // Caps the database file at `pages` pages of 4 KiB (PRAGMA max_page_count; never below
  // its current size): writes beyond it fail with errc::full. Also how the tests simulate
  // a full disk. Returns the limit in force.
  std::uint64_t set_max_pages(std::uint64_t pages);
  // Receipts pending for an account, as the store counts them for the cap.
  std::uint64_t pending_count(std::string_view system_id);

 private:
  struct append_op {
    message_record message;
    done_callback done;
  };
  struct outcome_op {
    std::uint64_t message_id;
    message_state state;
    wall_time done_at;
    std::uint32_t error_code;
    std::optional<receipt_record> receipt;
    outcome_callback done;
  };
  struct remove_op {
    std::uint64_t receipt_id;
    done_callback done;
  };
  struct op {
    std::variant<append_op, outcome_op, remove_op> what;
    std::error_code ec;
    std::uint64_t receipt_id = 0;
  };

  struct statement_deleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
  };
  using stmt = std::unique_ptr<sqlite3_stmt, statement_deleter>;
  stmt prepare(std::string_view sql);

  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using count_map = std::unordered_map<std::string, std::int64_t, string_hash, std::equal_to<>>;

  void enqueue(op o);
  void writer_loop();
  void run_batch(std::vector<op>& batch);
  int apply(op& o, std::uint64_t& dropped);
  int apply_append(const append_op& a);
  int apply_outcome(outcome_op& a, std::uint64_t& receipt_id, std::uint64_t& dropped);
  int apply_remove(const remove_op& a);
  void load_pending_counts();  // db_mutex_ held

  struct connection_closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
  };

  message_store_options options_;
  // Our own connection, opened without SQLite's per-call mutex: db_mutex_ serialises it.
  std::unique_ptr<sqlite3, connection_closer> connection_;
  sqlite3* handle_ = nullptr;

  // Guards the connection: the writer holds it for a batch, recovery calls for a query.
  std::mutex db_mutex_;
  stmt begin_, commit_, rollback_, insert_message_, update_outcome_, insert_receipt_, drop_oldest_,
      receipt_account_, delete_receipt_;
  count_map pending_;  // receipts per account, as committed plus the open batch
  std::vector<std::pair<std::int64_t*, std::int64_t>> undo_;  // pending_ before the batch

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::vector<op> queue_;
  std::uint64_t enqueued_ = 0;   // operations ever enqueued
  std::uint64_t completed_ = 0;  // operations whose completion has run
  bool stopping_ = false;

  std::atomic<std::uint64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace smppd::store::sqlite
