#pragma once
// The embedded message store: one SQLite connection (WAL) owned by one writer thread.
//
// write() only enqueues. The writer takes everything queued (at most `max_batch` steps),
// applies it to its in-memory picture of what is live, writes the batch's steps as ONE
// journal row (store/journal) and commits: one statement per batch, however many messages
// it holds. A second thread (the completer) makes committed batches durable with one
// fdatasync of the WAL for all that came in meanwhile, then runs their completions, while
// the writer commits the next ones: a pipelined group commit.
//
// Most messages live for milliseconds (accepted, finished, receipt acknowledged), so they
// never go further than the journal. Every `fold_interval` the writer folds what is still
// live after `fold_age` into the tables (messages not final, receipts not acknowledged,
// read back from their journal rows) and deletes the journal rows, in one transaction: the
// tables hold the long-lived state (a queue for a carrier that is down, receipts for an
// absent receiver), the journal the last second. In memory the writer keeps ids only.
// Opening the store replays the journal over the tables.
//
// A failed batch or fold is rolled back, every completion of it gets the error, and the
// in-memory picture is rebuilt from the file, so the store recovers by itself when the
// disk has room again.

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/message_store.hpp"
#include "store/journal/journal.hpp"
#include "store/sqlite/database.hpp"

namespace smppd::store::sqlite {

using core::errc;
using core::message_record;
using core::message_state;
using core::receipt_record;

struct message_store_options {
  // Per account; beyond it the oldest receipts are dropped in the same batch.
  std::uint64_t max_pending_per_account = 25000;
  // true: a batch's completions run only after an fdatasync of the WAL: a commit survives
  // power loss / an OS crash. false: they run after the commit (in the page cache), which
  // survives a process crash (SIGKILL) but a power loss may lose the last commits. SQLite
  // runs with synchronous=NORMAL either way (it syncs around checkpoints itself). See
  // docs/benchmarks.md for what each costs.
  bool synchronous_full = true;
  // Most steps in one transaction.
  std::size_t max_batch = 16384;
  // Checkpoints (copying the WAL back into the database file, then an fsync of it) run on
  // a thread and a connection of their own this often, beside the writer. The writer only
  // finishes one, which has little left to copy by then, once the WAL has this many pages
  // (4 KiB), so that the WAL starts over from its beginning and stays small.
  std::chrono::milliseconds checkpoint_interval{50};
  int wal_restart_pages = 4000;
  // PRAGMA cache_size, in KiB.
  int cache_kib = 16384;
  // How often the writer folds, and how old a journal row must be to be folded: what
  // finishes within fold_age never reaches the tables.
  std::chrono::milliseconds fold_interval{250};
  std::chrono::milliseconds fold_age{1000};
  // Most journal bytes one fold step takes (the writer's longest pause for it).
  std::size_t fold_step_bytes = 512 * 1024;
  // What "now" is for retention.
  const wall_clock* clock = &system_wall_clock();
};

class sqlite_message_store final : public core::message_store {
 public:
  // Opens (creating it when missing) and migrates the database, replays its journal;
  // throws store_error.
  explicit sqlite_message_store(const std::filesystem::path& file,
                                message_store_options options = {});
  sqlite_message_store(const sqlite_message_store&) = delete;
  sqlite_message_store& operator=(const sqlite_message_store&) = delete;
  // Flushes, folds everything, then stops the writer thread.
  ~sqlite_message_store() override;

  void write(std::vector<core::message_step> steps, write_done done) override;

  std::vector<message_record> unfinished_messages() override;
  std::vector<receipt_record> pending_receipts(std::chrono::hours retention) override;
  std::vector<message_record> waiting_messages(std::optional<core::waiting_cursor> after,
                                               std::size_t limit) override;
  std::uint64_t max_message_id() override;
  std::uint64_t dropped_receipts() const override {
    return dropped_.load(std::memory_order_relaxed);
  }
  void flush() override;

  // Folds the whole journal into the tables now (tests, shutdown).
  void fold_all();
  // Rows in the journal (tests: what a fold leaves).
  std::uint64_t journal_rows();
  // Caps the database file at `pages` pages of 4 KiB (PRAGMA max_page_count; never below
  // its current size): writes beyond it fail with errc::full. Also how the tests simulate
  // a full disk. Returns the limit in force.
  std::uint64_t set_max_pages(std::uint64_t pages);
  // Receipts pending for an account, as the store counts them for the cap.
  std::uint64_t pending_count(std::string_view system_id);

 private:
  struct request {
    std::vector<core::message_step> steps;
    write_done done;
    std::vector<core::step_result> results;
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

  // ---- the in-memory picture (db_mutex_) ----
  // Ids only: the records themselves are in the journal rows, read back at the fold for
  // the few that are still live then.
  // A change to a message already in the table (or folded into it by then), applied at the
  // fold after the inserts.
  struct table_update {
    std::uint64_t seq;
    std::uint64_t message_id;
    bool enroute;  // true: carrier and upstream id; false: state, done_at, error_code
    message_state state;
    std::optional<wall_time> done_at;
    std::uint32_t error_code;
    std::string carrier;
    std::string upstream_id;
  };
  using receipt_ids = std::set<std::uint64_t>;  // one account's pending receipts, oldest first

  void enqueue(request r);
  void writer_loop();
  // True when the batch was committed (its completions then wait for the WAL's sync).
  bool run_batch(std::vector<request>& batch);
  struct committed_batch {
    std::vector<request> requests;
    bool needs_sync;
  };
  void completer_loop();
  bool sync_wal();
  // Applies one step to the picture: `encode` set = a new step (ids assigned, the cap
  // enforced, the resolved step written to it); null = replaying the journal.
  core::step_result apply(core::message_step& step, std::uint64_t seq, journal::encoder* encode);
  void apply_finished(const core::message_finished& f, std::uint64_t seq);
  void keep_receipt(const core::receipt_record& r, std::uint64_t seq, journal::encoder* encode);
  void remove_receipt_from_picture(std::uint64_t receipt_id, std::uint64_t seq);
  bool message_in_table(std::uint64_t id);

  // Folds journal rows up to `seq` into the tables; false (rolled back, picture rebuilt)
  // when it failed.
  bool fold(std::uint64_t upto);
  void maybe_fold();
  // Folds the whole journal for a read of the tables; throws when it cannot.
  void fold_everything();
  // Rebuilds the picture from the file (tables, then the journal replayed), reading only;
  // throws.
  void reload();

  message_store_options options_;
  std::unique_ptr<sqlite3, void (*)(sqlite3*)> connection_{nullptr, nullptr};
  sqlite3* handle_ = nullptr;

  std::mutex db_mutex_;  // the connection and the picture
  stmt begin_, commit_, rollback_, insert_journal_, insert_message_, update_state_, update_enroute_,
      delete_message_, message_exists_, insert_receipt_, delete_receipt_, delete_journal_,
      read_journal_, set_meta_;
  journal::encoder encoder_;
  std::vector<std::uint8_t> compressed_;  // the batch as its journal row
  std::vector<std::uint8_t> row_;         // a journal row read back by the fold ...
  std::vector<std::uint8_t> expanded_;    // ... and its batch
  std::unordered_map<std::uint64_t, std::uint64_t> live_messages_;  // id -> journal row
  std::unordered_map<std::uint64_t, std::uint64_t> live_receipts_;  // receipt id -> journal row
  std::vector<table_update> table_updates_;                         // seq order
  std::vector<std::pair<std::uint64_t, std::uint64_t>> receipt_removals_;  // (seq, id)
  std::unordered_map<std::string, receipt_ids, string_hash, std::equal_to<>> accounts_;
  std::unordered_map<std::uint64_t, receipt_ids*> receipt_owner_;
  std::uint64_t max_message_id_ = 0;
  std::uint64_t table_max_message_id_ = 0;  // ids above it cannot be in the table
  std::uint64_t last_receipt_id_ = 0;
  std::uint64_t last_seq_ = 0;    // the newest journal row
  std::uint64_t folded_seq_ = 0;  // journal rows up to it are in the tables
  struct journal_row {
    std::uint64_t seq;
    std::chrono::steady_clock::time_point at;  // committed
    std::size_t bytes;                         // of the batch, expanded
  };
  std::deque<journal_row> unfolded_;
  bool fold_behind_ = false;  // writer thread: rows old enough are left for the next step
  std::chrono::steady_clock::time_point last_fold_{};
  bool needs_reload_ = false;  // a reload after a failure failed too: retry first

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::vector<request> queue_;
  std::size_t queued_steps_ = 0;
  std::uint64_t enqueued_ = 0;   // requests ever enqueued
  std::uint64_t completed_ = 0;  // requests whose completion has run
  bool stopping_ = false;

  // Writer -> completer: committed batches waiting for the WAL's fdatasync.
  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;
  std::vector<committed_batch> to_sync_;
  bool completer_stopping_ = false;
  std::string wal_path_;
  int wal_fd_ = -1;  // completer thread only

  // The checkpointer: its own connection, woken every checkpoint_interval.
  void checkpointer_loop(const std::filesystem::path& file);
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpointer_stopping_ = false;
  int wal_frames_ = 0;  // writer thread: pages in the WAL after its last commit

  std::atomic<std::uint64_t> dropped_{0};
  std::thread checkpointer_;
  std::thread completer_;
  std::thread writer_;
};

}  // namespace smppd::store::sqlite
