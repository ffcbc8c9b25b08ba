#include "store/sqlite/sqlite_message_store.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>

#include "store/sqlite/columns.hpp"

namespace smppd::store::sqlite {
namespace {

// Messages not yet final. The partial index messages_unfinished (database.cpp) has the same
// predicate, so the query uses it; records.hpp keeps every final state at or above delivered.
constexpr std::string_view unfinished_predicate = "state < 2";
static_assert(static_cast<int>(message_state::delivered) == 2);
// Waiting for a carrier: the partial index messages_waiting.
static_assert(static_cast<int>(message_state::accepted) == 0);

std::error_code to_error(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return errc::full;
    case SQLITE_IOERR:
      return errc::io;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return errc::read_only;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return errc::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return errc::corrupt;
    case SQLITE_CONSTRAINT:
      return errc::duplicate;
    default:
      return errc::unavailable;
  }
}

// Runs one statement to completion and resets it; SQLITE_DONE becomes SQLITE_OK.
int run(sqlite3_stmt* s) {
  int rc = sqlite3_step(s);
  while (rc == SQLITE_ROW) rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void close_connection(sqlite3* db) { sqlite3_close(db); }

}  // namespace

sqlite_message_store::sqlite_message_store(const std::filesystem::path& file,
                                           message_store_options options)
    : options_(options) {
  options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
  { database migrated(file); }  // creates the file, WAL mode (persistent), schema up to date
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  connection_ = {db, close_connection};
  handle_ = db;
  if (rc != SQLITE_OK) {
    throw store_error("cannot open " + file.string() + ": " +
                      (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_busy_timeout(handle_, 5000);  // the account CLI may hold the write lock briefly
  // NORMAL: a commit writes the WAL without waiting for the disk (SQLite still syncs around
  // checkpoints); with synchronous_full the completer thread's fdatasync of the WAL makes
  // each batch durable before anyone hears of it, while the writer goes on.
  // secure_delete=FAST: Debian's SQLite is built with SECURE_DELETE on, which zeroes every
  // freed page through the WAL: deleting folded journal rows wrote each of their overflow
  // pages again (64 WAL frames to free 10 rows of 22 KB; 5 with FAST). FAST still zeroes
  // what is deleted from b-tree pages; freed overflow pages keep their bytes until reused.
  const std::string pragmas = std::string(
                                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                  "PRAGMA temp_store=MEMORY; PRAGMA secure_delete=FAST; "
                                  "PRAGMA cache_size=-") +
                              std::to_string(options_.cache_kib) + ";";
  char* error = nullptr;
  if (sqlite3_exec(handle_, pragmas.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw store_error("sqlite: " + message);
  }
  begin_ = prepare("BEGIN IMMEDIATE");
  commit_ = prepare("COMMIT");
  rollback_ = prepare("ROLLBACK");
  insert_journal_ = prepare("INSERT INTO journal (seq, data) VALUES (?, ?)");
  insert_message_ = prepare("INSERT INTO messages (" + column_list<message_record>() +
                            ") VALUES (" + placeholders<message_record>() + ")");
  update_state_ =
      prepare("UPDATE messages SET state = ?, done_at = ?, error_code = ? WHERE id = ?");
  update_enroute_ =
      prepare("UPDATE messages SET state = ?, carrier = ?, upstream_id = ? WHERE id = ?");
  delete_message_ = prepare("DELETE FROM messages WHERE id = ?");
  message_exists_ = prepare("SELECT 1 FROM messages WHERE id = ?");
  insert_receipt_ = prepare("INSERT INTO receipts (" + column_list<receipt_record>() +
                            ") VALUES (" + placeholders<receipt_record>() + ")");
  delete_receipt_ = prepare("DELETE FROM receipts WHERE receipt_id = ?");
  delete_journal_ = prepare("DELETE FROM journal WHERE seq <= ?");
  read_journal_ = prepare("SELECT data FROM journal WHERE seq = ?");
  set_meta_ = prepare("UPDATE meta SET value = max(value, ?) WHERE key = ?");
  {
    std::lock_guard lock(db_mutex_);
    reload();
  }
  int persist = 1;
  sqlite3_file_control(handle_, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  // Replaces SQLite's automatic checkpoint, which would copy the whole WAL inside one of our
  // commits: the hook only notes the WAL's size (see checkpointer_loop).
  sqlite3_wal_hook(
      handle_,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<sqlite_message_store*>(self)->wal_frames_ = frames;
        return SQLITE_OK;
      },
      this);
  wal_path_ = file.string() + "-wal";
  queue_.reserve(1024);
  last_fold_ = std::chrono::steady_clock::now();
  completer_ = std::thread([this] { completer_loop(); });
  checkpointer_ = std::thread([this, file] { checkpointer_loop(file); });
  writer_ = std::thread([this] { writer_loop(); });
}

sqlite_message_store::~sqlite_message_store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();  // the writer drains the queue before it returns
  {
    std::lock_guard lock(sync_mutex_);
    completer_stopping_ = true;
  }
  sync_cv_.notify_one();
  completer_.join();  // ... and the completer runs what the writer handed it
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpointer_stopping_ = true;
  }
  checkpoint_cv_.notify_one();
  checkpointer_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
  std::lock_guard lock(db_mutex_);
  if (!needs_reload_) fold(last_seq_);  // a compact file at rest; the journal would do too
}

sqlite_message_store::stmt sqlite_message_store::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(handle_, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    fail(handle_, "prepare");
  }
  return stmt(s);
}

// ---- the writer ------------------------------------------------------------------------

void sqlite_message_store::enqueue(request r) {
  {
    std::lock_guard lock(queue_mutex_);
    queued_steps_ += r.steps.size();
    queue_.push_back(std::move(r));
    ++enqueued_;
  }
  queue_cv_.notify_one();
}

void sqlite_message_store::write(std::vector<core::message_step> steps, write_done done) {
  enqueue(request{std::move(steps), std::move(done), {}});
}

void sqlite_message_store::flush() {
  std::unique_lock lock(queue_mutex_);
  const auto target = enqueued_;
  done_cv_.wait(lock, [&] { return completed_ >= target; });
}

void sqlite_message_store::writer_loop() {
  pthread_setname_np(pthread_self(), "smppd-store");
  std::vector<request> batch;
  batch.reserve(1024);
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait_for(lock, fold_behind_ ? std::chrono::milliseconds(0) : options_.fold_interval,
                         [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) return;  // everything is done
      if (queued_steps_ <= options_.max_batch) {
        batch.swap(queue_);  // the queue gets the old batch's capacity: no reallocation
        queued_steps_ = 0;
      } else {
        std::size_t steps = 0;
        auto end = queue_.begin();
        while (end != queue_.end() &&
               (steps == 0 || steps + end->steps.size() <= options_.max_batch)) {
          steps += end->steps.size();
          ++end;
        }
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
        queued_steps_ -= steps;
      }
    }
    if (!batch.empty()) {
      const bool committed = run_batch(batch);
      {
        std::lock_guard lock(sync_mutex_);
        to_sync_.push_back({std::move(batch), committed && options_.synchronous_full});
      }
      sync_cv_.notify_one();
      batch = {};
      batch.reserve(64);
    }
    maybe_fold();
  }
}

// The second half of the group commit: while the writer commits the next batches, this
// thread makes the committed ones durable (one fdatasync of the WAL for all of them), then
// runs their completions in order.
void sqlite_message_store::completer_loop() {
  pthread_setname_np(pthread_self(), "smppd-sync");
  std::vector<committed_batch> work;
  for (;;) {
    {
      std::unique_lock lock(sync_mutex_);
      sync_cv_.wait(lock, [&] { return !to_sync_.empty() || completer_stopping_; });
      if (to_sync_.empty()) return;
      work.swap(to_sync_);
    }
    const bool sync = std::any_of(work.begin(), work.end(),
                                  [](const committed_batch& b) { return b.needs_sync; });
    if (sync && !sync_wal()) {
      // Committed but perhaps not on disk: the clients hear of a failure. What was written
      // may still be delivered (at least once, never acknowledged without being durable).
      for (auto& b : work) {
        if (!b.needs_sync) continue;
        for (auto& r : b.requests) {
          for (auto& result : r.results) result = {errc::io, 0};
        }
      }
    }
    std::size_t n = 0;
    for (auto& b : work) {
      for (auto& r : b.requests) {
        if (r.done) r.done(r.results, r.steps);
      }
      n += b.requests.size();
    }
    work.clear();
    {
      std::lock_guard lock(queue_mutex_);
      completed_ += n;
    }
    done_cv_.notify_all();
  }
}

bool sqlite_message_store::sync_wal() {
  if (wal_fd_ < 0) {
    // The WAL exists once the first transaction has been committed; PERSIST_WAL keeps it
    // (and so this descriptor's file) for as long as the store runs.
    wal_fd_ = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (wal_fd_ < 0) return false;
  }
  return ::fdatasync(wal_fd_) == 0;
}

bool sqlite_message_store::run_batch(std::vector<request>& batch) {
  std::lock_guard lock(db_mutex_);
  auto fail_all = [&](std::error_code ec) {
    for (auto& r : batch) r.results.assign(r.steps.size(), core::step_result{ec, 0});
  };
  if (needs_reload_) {
    try {
      reload();
    } catch (const store_error&) {
      fail_all(errc::unavailable);
      return false;
    }
  }
  const auto seq = last_seq_ + 1;
  const auto dropped_before = dropped_.load(std::memory_order_relaxed);
  encoder_.clear();
  for (auto& r : batch) {
    r.results.clear();
    r.results.reserve(r.steps.size());
    for (auto& step : r.steps) r.results.push_back(apply(step, seq, &encoder_));
  }
  if (encoder_.steps() == 0) return false;  // nothing new (duplicates only)

  auto rollback = [&](int rc) {
    if (!sqlite3_get_autocommit(handle_)) run(rollback_.get());
    dropped_.store(dropped_before, std::memory_order_relaxed);
    fail_all(to_error(rc));
    try {
      reload();  // the picture holds the failed batch: back to what the file says
    } catch (const store_error&) {
      needs_reload_ = true;
    }
  };
  int rc = run(begin_.get());
  if (rc != SQLITE_OK) {
    rollback(rc);
    return false;
  }
  auto* s = insert_journal_.get();
  const auto bytes = encoder_.bytes();
  journal::compress(bytes, compressed_);
  sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(seq));
  sqlite3_bind_blob64(s, 2, compressed_.data(), compressed_.size(), SQLITE_STATIC);
  rc = run(s);
  sqlite3_clear_bindings(s);
  if (rc == SQLITE_OK) rc = run(commit_.get());
  if (rc != SQLITE_OK) {
    rollback(rc);
    return false;
  }
  last_seq_ = seq;
  unfolded_.push_back({seq, std::chrono::steady_clock::now(), bytes.size()});
  if (wal_frames_ > options_.wal_restart_pages) {
    // The checkpointer has copied most of it already: finish here, between two of our
    // transactions, so the next one starts the WAL over.
    sqlite3_wal_checkpoint_v2(handle_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_frames_ = 0;
  }
  return true;
}

// Copies the WAL into the database file in the background: PASSIVE never waits for the
// writer, which goes on appending meanwhile. SQLite (synchronous=NORMAL) syncs the WAL
// before and the database file after each checkpoint.
void sqlite_message_store::checkpointer_loop(const std::filesystem::path& file) {
  pthread_setname_np(pthread_self(), "smppd-ckpt");
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    db = nullptr;  // the writer's own checkpoints keep the WAL bounded, only slower
  } else {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    int persist = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  }
  std::unique_lock lock(checkpoint_mutex_);
  while (!checkpointer_stopping_) {
    checkpoint_cv_.wait_for(lock, options_.checkpoint_interval);
    if (checkpointer_stopping_ || db == nullptr) continue;
    lock.unlock();
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
  sqlite3_close(db);
}

core::step_result sqlite_message_store::apply(core::message_step& step, std::uint64_t seq,
                                              journal::encoder* encode) {
  if (auto* a = std::get_if<core::message_accepted>(&step)) {
    const auto id = a->message.id;
    if (encode) {
      if (live_messages_.contains(id) || message_in_table(id)) return {errc::duplicate, 0};
      encode->accepted(a->message);
    }
    max_message_id_ = std::max(max_message_id_, id);
    live_messages_.insert_or_assign(id, seq);
    return {};
  }
  if (auto* e = std::get_if<core::message_enroute>(&step)) {
    if (encode) encode->enroute(*e);
    table_updates_.push_back({seq, e->message_id, true, message_state::enroute, std::nullopt, 0,
                              e->carrier, e->upstream_id});
    return {};
  }
  if (auto* f = std::get_if<core::message_finished>(&step)) {
    std::uint64_t receipt_id = 0;
    if (f->receipt) {
      if (encode) f->receipt->receipt_id = last_receipt_id_ + 1;  // the caller sees it too
      receipt_id = f->receipt->receipt_id;
    }
    if (encode) encode->finished(*f, receipt_id);
    apply_finished(*f, seq);
    if (f->receipt) keep_receipt(*f->receipt, seq, encode);
    return {{}, receipt_id};
  }
  if (auto* m = std::get_if<core::mo_received>(&step)) {
    if (encode) {
      m->mo.receipt_id = last_receipt_id_ + 1;
      encode->mo_received(m->mo, m->mo.receipt_id);
    }
    keep_receipt(m->mo, seq, encode);
    return {{}, m->mo.receipt_id};
  }
  const auto id = std::get<core::receipt_acknowledged>(step).receipt_id;
  if (encode) {
    if (!receipt_owner_.contains(id)) return {};  // unknown: nothing to write
    encode->receipt_removed(id);
  }
  remove_receipt_from_picture(id, seq);
  return {};
}

void sqlite_message_store::apply_finished(const core::message_finished& f, std::uint64_t seq) {
  const auto live = live_messages_.find(f.message_id);
  if (live != live_messages_.end() && core::is_final(f.state)) {
    live_messages_.erase(live);  // finished within the journal: never reaches the table
  } else {
    table_updates_.push_back({seq, f.message_id, false, f.state, f.done_at, f.error_code, {}, {}});
  }
}

// A receipt or MO joins its account's queue; new ones (`encode`) apply the cap, the
// account's oldest going, each written as a removal.
void sqlite_message_store::keep_receipt(const core::receipt_record& r, std::uint64_t seq,
                                        journal::encoder* encode) {
  const auto receipt_id = r.receipt_id;
  last_receipt_id_ = std::max(last_receipt_id_, receipt_id);
  auto account = accounts_.find(std::string_view(r.system_id));
  if (account == accounts_.end()) account = accounts_.emplace(r.system_id, receipt_ids{}).first;
  account->second.insert(receipt_id);
  receipt_owner_[receipt_id] = &account->second;
  live_receipts_.insert_or_assign(receipt_id, seq);
  if (!encode) return;
  auto& ids = account->second;
  std::uint64_t dropped = 0;
  while (ids.size() > options_.max_pending_per_account) {
    const auto oldest = *ids.begin();
    remove_receipt_from_picture(oldest, seq);
    encode->receipt_removed(oldest);
    ++dropped;
  }
  if (dropped) dropped_.fetch_add(dropped, std::memory_order_relaxed);
}

void sqlite_message_store::remove_receipt_from_picture(std::uint64_t receipt_id,
                                                       std::uint64_t seq) {
  const auto owner = receipt_owner_.find(receipt_id);
  if (owner == receipt_owner_.end()) return;
  owner->second->erase(receipt_id);
  receipt_owner_.erase(owner);
  if (live_receipts_.erase(receipt_id) == 0) receipt_removals_.emplace_back(seq, receipt_id);
}

bool sqlite_message_store::message_in_table(std::uint64_t id) {
  if (id > table_max_message_id_) return false;  // the usual case: no query
  auto* s = message_exists_.get();
  sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(id));
  const bool found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_reset(s);
  return found;
}

// ---- folding and recovery -------------------------------------------------------------

// Folds in steps of at most fold_step_bytes of journal: deleting a row walks its overflow
// pages, so a big fold would hold up the batches behind it (p99 latency). When more is old
// enough, the next step follows right after the next batch.
void sqlite_message_store::maybe_fold() {
  const auto now = std::chrono::steady_clock::now();
  if (!fold_behind_ && now - last_fold_ < options_.fold_interval) return;
  last_fold_ = now;
  std::lock_guard lock(db_mutex_);
  std::uint64_t upto = folded_seq_;
  std::size_t bytes = 0;
  while (!unfolded_.empty() && now - unfolded_.front().at >= options_.fold_age &&
         (bytes == 0 || bytes + unfolded_.front().bytes <= options_.fold_step_bytes)) {
    upto = unfolded_.front().seq;
    bytes += unfolded_.front().bytes;
    unfolded_.pop_front();
  }
  fold_behind_ = !unfolded_.empty() && now - unfolded_.front().at >= options_.fold_age;
  if (upto > folded_seq_ && !needs_reload_) fold(upto);
}

void sqlite_message_store::fold_all() {
  flush();
  std::lock_guard lock(db_mutex_);
  fold_everything();
}

void sqlite_message_store::fold_everything() {
  if (needs_reload_) reload();
  // The reads that follow see the tables only: they must hold everything.
  if (!fold(last_seq_)) {
    throw store_error(std::string("folding the journal failed: ") + sqlite3_errmsg(handle_));
  }
}

bool sqlite_message_store::fold(std::uint64_t upto) {
  auto failed = [&](int) {
    if (!sqlite3_get_autocommit(handle_)) run(rollback_.get());
    try {
      reload();
    } catch (const store_error&) {
      needs_reload_ = true;
    }
    return false;
  };
  int rc = run(begin_.get());
  if (rc != SQLITE_OK) return failed(rc);

  // What is still live from the rows being folded: read back from those rows only.
  std::set<std::uint64_t> rows;
  for (const auto& [id, seq] : live_messages_) {
    if (seq <= upto) rows.insert(seq);
  }
  for (const auto& [id, seq] : live_receipts_) {
    if (seq <= upto) rows.insert(seq);
  }
  for (const auto seq : rows) {
    auto* read = read_journal_.get();
    sqlite3_bind_int64(read, 1, static_cast<std::int64_t>(seq));
    rc = sqlite3_step(read);
    if (rc == SQLITE_ROW) {
      const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(read, 0));
      row_.assign(data, data + sqlite3_column_bytes(read, 0));
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      rc = SQLITE_CORRUPT;  // a live id points at a row that is not there
    }
    sqlite3_reset(read);
    if (rc != SQLITE_OK) return failed(rc);
    const auto batch = journal::expand(row_, expanded_);
    if (!batch) return failed(SQLITE_CORRUPT);
    bool decoded = true;
    const bool scanned = journal::scan(*batch, [&](const journal::entry& e) {
      if (rc != SQLITE_OK || !decoded) return;
      const bool message = e.what == journal::entry::kind::accepted &&
                           live_messages_.contains(e.message_id) &&
                           live_messages_.at(e.message_id) == seq;
      const bool receipt = (e.what == journal::entry::kind::finished ||
                            e.what == journal::entry::kind::mo_received) &&
                           e.receipt_id != 0 && live_receipts_.contains(e.receipt_id) &&
                           live_receipts_.at(e.receipt_id) == seq;
      if (!message && !receipt) return;
      auto step = journal::decode(e);
      if (!step) {
        decoded = false;
        return;
      }
      if (message) {
        auto* ins = insert_message_.get();
        binder b(ins);
        b.record(std::get<core::message_accepted>(*step).message);
        rc = b.rc() == SQLITE_OK ? run(ins) : b.rc();
        sqlite3_clear_bindings(ins);
        table_max_message_id_ = std::max(table_max_message_id_, e.message_id);
        live_messages_.erase(e.message_id);
      } else {
        auto* ins = insert_receipt_.get();
        binder b(ins);
        if (const auto* m = std::get_if<core::mo_received>(&*step)) {
          b.record(m->mo);
        } else {
          b.record(*std::get<core::message_finished>(*step).receipt);
        }
        rc = b.rc() == SQLITE_OK ? run(ins) : b.rc();
        sqlite3_clear_bindings(ins);
        live_receipts_.erase(e.receipt_id);
      }
    });
    if (!scanned || !decoded) rc = SQLITE_CORRUPT;
    if (rc != SQLITE_OK) return failed(rc);
  }
  auto updates_end = table_updates_.begin();
  for (; updates_end != table_updates_.end() && updates_end->seq <= upto; ++updates_end) {
    const auto& u = *updates_end;
    if (u.enroute) {
      auto* s = update_enroute_.get();
      binder{s}(u.state)(u.carrier)(u.upstream_id)(u.message_id);
      rc = run(s);
    } else if (core::is_final(u.state)) {
      auto* s = delete_message_.get();
      binder{s}(u.message_id);
      rc = run(s);
    } else {
      auto* s = update_state_.get();
      binder{s}(u.state)(u.done_at)(u.error_code)(u.message_id);
      rc = run(s);
    }
    if (rc != SQLITE_OK) return failed(rc);
  }
  table_updates_.erase(table_updates_.begin(), updates_end);
  auto removals_end = receipt_removals_.begin();
  for (; removals_end != receipt_removals_.end() && removals_end->first <= upto; ++removals_end) {
    auto* s = delete_receipt_.get();
    binder{s}(removals_end->second);
    if (rc = run(s); rc != SQLITE_OK) return failed(rc);
  }
  receipt_removals_.erase(receipt_removals_.begin(), removals_end);
  for (const auto& [key, value] : {std::pair{"max_message_id", max_message_id_},
                                   std::pair{"last_receipt_id", last_receipt_id_}}) {
    auto* s = set_meta_.get();
    binder{s}(value)(std::string_view(key));
    if (rc = run(s); rc != SQLITE_OK) return failed(rc);
  }
  {
    auto* s = delete_journal_.get();
    binder{s}(upto);
    if (rc = run(s); rc != SQLITE_OK) return failed(rc);
  }
  if (rc = run(commit_.get()); rc != SQLITE_OK) return failed(rc);
  folded_seq_ = upto;
  while (!unfolded_.empty() && unfolded_.front().seq <= upto) unfolded_.pop_front();
  return true;
}

void sqlite_message_store::reload() {
  live_messages_.clear();
  live_receipts_.clear();
  table_updates_.clear();
  receipt_removals_.clear();
  accounts_.clear();
  receipt_owner_.clear();
  unfolded_.clear();
  {
    auto s = prepare("SELECT key, value FROM meta");
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      reader r(s.get());
      const auto key = r.get<std::string>();
      const auto value = r.get<std::uint64_t>();
      if (key == "max_message_id") max_message_id_ = value;
      if (key == "last_receipt_id") last_receipt_id_ = value;
    }
  }
  {
    auto s = prepare("SELECT coalesce(max(id), 0) FROM messages");
    if (sqlite3_step(s.get()) != SQLITE_ROW) fail(handle_, "max message id");
    table_max_message_id_ = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    max_message_id_ = std::max(max_message_id_, table_max_message_id_);
  }
  {
    auto s = prepare("SELECT receipt_id, system_id FROM receipts");
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      reader r(s.get());
      const auto id = r.get<std::uint64_t>();
      const auto system_id = r.get<std::string>();
      auto account = accounts_.find(std::string_view(system_id));
      if (account == accounts_.end()) account = accounts_.emplace(system_id, receipt_ids{}).first;
      account->second.insert(id);
      receipt_owner_[id] = &account->second;
      last_receipt_id_ = std::max(last_receipt_id_, id);
    }
    if (rc != SQLITE_DONE) fail(handle_, "read receipts");
  }
  // The journal, oldest first, over the tables.
  last_seq_ = 0;
  {
    auto s = prepare("SELECT seq, data FROM journal ORDER BY seq");
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      const auto seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
      const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), 1));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 1));
      const auto batch = journal::expand({data, size}, expanded_);
      const bool ok = batch && journal::decode(*batch, [&](core::message_step&& step) {
                        apply(step, seq, nullptr);
                      });
      if (!ok) throw store_error("the journal row " + std::to_string(seq) + " is corrupt");
      last_seq_ = seq;
      // Due for folding at once (not time_point::min(): `now - at` would overflow).
      unfolded_.push_back(
          {seq, std::chrono::steady_clock::now() - options_.fold_age, batch->size()});
    }
    if (rc != SQLITE_DONE) fail(handle_, "read the journal");
  }
  if (last_seq_ == 0) {
    auto s = prepare("SELECT coalesce(max(seq), 0) FROM journal");  // none: keep counting
    if (sqlite3_step(s.get()) == SQLITE_ROW) {
      last_seq_ = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    }
  }
  folded_seq_ = 0;
  needs_reload_ = false;
}

// ---- reads ------------------------------------------------------------------------------

std::vector<message_record> sqlite_message_store::unfinished_messages() {
  std::lock_guard lock(db_mutex_);
  fold_everything();
  auto s = prepare("SELECT " + column_list<message_record>() + " FROM messages WHERE " +
                   std::string(unfinished_predicate) + " ORDER BY id");
  std::vector<message_record> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.push_back(reader(s.get()).record<message_record>());
  }
  if (rc != SQLITE_DONE) fail(handle_, "read unfinished messages");
  return out;
}

std::vector<receipt_record> sqlite_message_store::pending_receipts(std::chrono::hours retention) {
  std::lock_guard lock(db_mutex_);
  fold_everything();
  const auto cutoff = to_ms(options_.clock->now() - retention);
  {
    auto d = prepare("DELETE FROM receipts WHERE created_at < ?");
    sqlite3_bind_int64(d.get(), 1, cutoff);
    if (run(d.get()) != SQLITE_OK) fail(handle_, "delete old receipts");
    if (sqlite3_changes(handle_) > 0) reload();  // the accounts' counts
  }
  auto s =
      prepare("SELECT " + column_list<receipt_record>() + " FROM receipts ORDER BY receipt_id");
  std::vector<receipt_record> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.push_back(reader(s.get()).record<receipt_record>());
  }
  if (rc != SQLITE_DONE) fail(handle_, "read pending receipts");
  return out;
}

std::vector<message_record> sqlite_message_store::waiting_messages(
    std::optional<core::waiting_cursor> after, std::size_t limit) {
  std::lock_guard lock(db_mutex_);
  fold_everything();
  const std::string select =
      "SELECT " + column_list<message_record>() + " FROM messages WHERE state = 0";
  const std::string order = " ORDER BY priority DESC, id LIMIT ?";
  auto s = after ? prepare(select + " AND (priority < ? OR (priority = ? AND id > ?))" + order)
                 : prepare(select + order);
  binder b(s.get());
  if (after) b(after->priority)(after->priority)(after->id);
  b(static_cast<std::int64_t>(limit));
  std::vector<message_record> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.push_back(reader(s.get()).record<message_record>());
  }
  if (rc != SQLITE_DONE) fail(handle_, "read waiting messages");
  return out;
}

std::uint64_t sqlite_message_store::max_message_id() {
  std::lock_guard lock(db_mutex_);
  return max_message_id_;
}

std::uint64_t sqlite_message_store::journal_rows() {
  std::lock_guard lock(db_mutex_);
  auto s = prepare("SELECT count(*) FROM journal");
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail(handle_, "count the journal");
  return static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
}

std::uint64_t sqlite_message_store::set_max_pages(std::uint64_t pages) {
  std::lock_guard lock(db_mutex_);
  auto s = prepare("PRAGMA max_page_count = " + std::to_string(pages));
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail(handle_, "max_page_count");
  return static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
}

std::uint64_t sqlite_message_store::pending_count(std::string_view system_id) {
  std::lock_guard lock(db_mutex_);
  auto it = accounts_.find(system_id);
  return it == accounts_.end() ? 0 : it->second.size();
}

}  // namespace smppd::store::sqlite
