#include "store/sqlite/sqlite_message_store.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>

#include "store/sqlite/columns.hpp"

namespace smppd::store::sqlite {
namespace {

// Messages not yet final. The partial index messages_unfinished (database.cpp) has the same
// predicate, so the query uses it; records.hpp keeps every final state at or above delivered.
constexpr std::string_view unfinished_predicate = "state < 2";
static_assert(static_cast<int>(message_state::delivered) == 2);

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

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw store_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

sqlite_message_store::sqlite_message_store(const std::filesystem::path& file,
                                           message_store_options options)
    : options_(options) {
  options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
  { database migrated(file); }  // creates the file, WAL mode (persistent), schema up to date
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  connection_.reset(db);
  handle_ = db;
  if (rc != SQLITE_OK) {
    throw store_error("cannot open " + file.string() + ": " +
                      (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_busy_timeout(handle_, 5000);  // the account CLI may hold the write lock briefly
  const std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
                              (options_.synchronous_full ? "FULL" : "NORMAL") +
                              "; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=" +
                              std::to_string(options_.wal_autocheckpoint_pages) +
                              "; PRAGMA cache_size=-" + std::to_string(options_.cache_kib) + ";";
  char* error = nullptr;
  if (sqlite3_exec(handle_, pragmas.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw store_error("sqlite: " + message);
  }
  begin_ = prepare("BEGIN IMMEDIATE");
  commit_ = prepare("COMMIT");
  rollback_ = prepare("ROLLBACK");
  insert_message_ = prepare("INSERT INTO messages (" + column_list<message_record>() +
                            ") VALUES (" + placeholders<message_record>() + ")");
  update_outcome_ = prepare(
      "UPDATE messages SET state = ?, done_at = ?, error_code = ? "
      "WHERE id = ?");
  // receipt_id is the rowid: SQLite assigns it.
  insert_receipt_ = prepare("INSERT INTO receipts (" + column_list<receipt_record>("receipt_id") +
                            ") VALUES (" + placeholders<receipt_record>("receipt_id") + ")");
  drop_oldest_ = prepare(
      "DELETE FROM receipts WHERE receipt_id IN (SELECT receipt_id FROM receipts "
      "WHERE system_id = ? ORDER BY receipt_id LIMIT ?)");
  receipt_account_ = prepare("SELECT system_id FROM receipts WHERE receipt_id = ?");
  delete_receipt_ = prepare("DELETE FROM receipts WHERE receipt_id = ?");
  load_pending_counts();
  queue_.reserve(1024);
  writer_ = std::thread([this] { writer_loop(); });
}

sqlite_message_store::~sqlite_message_store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();  // the writer drains the queue before it returns
}

sqlite_message_store::stmt sqlite_message_store::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(handle_, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    fail(handle_, "prepare");
  }
  return stmt(s);
}

void sqlite_message_store::load_pending_counts() {
  pending_.clear();
  auto s = prepare("SELECT system_id, count(*) FROM receipts GROUP BY system_id");
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    reader r(s.get());
    auto id = r.get<std::string>();
    pending_[std::move(id)] = r.get<std::int64_t>();
  }
  if (rc != SQLITE_DONE) fail(handle_, "count receipts");
}

void sqlite_message_store::enqueue(op o) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(o));
    ++enqueued_;
  }
  queue_cv_.notify_one();
}

void sqlite_message_store::append(message_record message, done_callback done) {
  enqueue(op{append_op{std::move(message), std::move(done)}, {}, 0});
}

void sqlite_message_store::record_outcome(std::uint64_t message_id, message_state state,
                                          wall_time done_at, std::uint32_t error_code,
                                          std::optional<receipt_record> receipt,
                                          outcome_callback done) {
  enqueue(
      op{outcome_op{message_id, state, done_at, error_code, std::move(receipt), std::move(done)},
         {},
         0});
}

void sqlite_message_store::remove_receipt(std::uint64_t receipt_id, done_callback done) {
  enqueue(op{remove_op{receipt_id, std::move(done)}, {}, 0});
}

void sqlite_message_store::flush() {
  std::unique_lock lock(queue_mutex_);
  const auto target = enqueued_;
  done_cv_.wait(lock, [&] { return completed_ >= target; });
}

void sqlite_message_store::writer_loop() {
  pthread_setname_np(pthread_self(), "smppd-store");
  std::vector<op> batch;
  batch.reserve(1024);
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is done
      if (queue_.size() <= options_.max_batch) {
        batch.swap(queue_);  // the queue gets the old batch's capacity: no reallocation
      } else {
        const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(options_.max_batch);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
    }
    run_batch(batch);
    for (auto& o : batch) {
      if (auto* a = std::get_if<append_op>(&o.what)) {
        if (a->done) a->done(o.ec);
      } else if (auto* c = std::get_if<outcome_op>(&o.what)) {
        if (c->done) c->done(o.ec, o.receipt_id);
      } else if (auto* r = std::get_if<remove_op>(&o.what)) {
        if (r->done) r->done(o.ec);
      }
    }
    const auto n = batch.size();
    batch.clear();
    {
      std::lock_guard lock(queue_mutex_);
      completed_ += n;
    }
    done_cv_.notify_all();
  }
}

void sqlite_message_store::run_batch(std::vector<op>& batch) {
  std::lock_guard lock(db_mutex_);
  auto fail_all = [&](int rc) {
    if (!sqlite3_get_autocommit(handle_)) run(rollback_.get());
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) *it->first = it->second;
    const auto ec = to_error(rc);
    for (auto& o : batch) {
      o.ec = ec;
      o.receipt_id = 0;
    }
  };
  undo_.clear();
  int rc = run(begin_.get());
  if (rc != SQLITE_OK) return fail_all(rc);
  std::uint64_t dropped = 0;
  for (auto& o : batch) {
    rc = apply(o, dropped);
    if (rc == SQLITE_OK) continue;
    // A constraint failure undoes only its own statement: that operation fails alone.
    if ((rc & 0xff) == SQLITE_CONSTRAINT && !sqlite3_get_autocommit(handle_)) {
      o.ec = errc::duplicate;
      continue;
    }
    return fail_all(rc);
  }
  rc = run(commit_.get());
  if (rc != SQLITE_OK) return fail_all(rc);
  if (dropped) dropped_.fetch_add(dropped, std::memory_order_relaxed);
}

int sqlite_message_store::apply(op& o, std::uint64_t& dropped) {
  if (auto* a = std::get_if<append_op>(&o.what)) return apply_append(*a);
  if (auto* c = std::get_if<outcome_op>(&o.what)) return apply_outcome(*c, o.receipt_id, dropped);
  return apply_remove(std::get<remove_op>(o.what));
}

int sqlite_message_store::apply_append(const append_op& a) {
  const auto& m = a.message;
  auto* s = insert_message_.get();
  binder b(s);
  b.record(m);
  if (b.rc() != SQLITE_OK) {
    sqlite3_clear_bindings(s);
    return b.rc();
  }
  return run(s);
}

int sqlite_message_store::apply_outcome(outcome_op& a, std::uint64_t& receipt_id,
                                        std::uint64_t& dropped) {
  auto* u = update_outcome_.get();
  binder{u}(a.state)(a.done_at)(a.error_code)(a.message_id);
  if (int rc = run(u); rc != SQLITE_OK) return rc;
  if (!a.receipt) return SQLITE_OK;

  const auto& r = *a.receipt;
  auto* s = insert_receipt_.get();
  binder b(s);
  b.record(r, "receipt_id");
  if (b.rc() != SQLITE_OK) {
    sqlite3_clear_bindings(s);
    return b.rc();
  }
  if (int rc = run(s); rc != SQLITE_OK) return rc;
  receipt_id = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(handle_));

  auto it = pending_.find(std::string_view(r.system_id));
  if (it == pending_.end()) {
    it = pending_.emplace(r.system_id, 0).first;  // pointers into the map stay valid
  }
  undo_.emplace_back(&it->second, it->second);
  auto& count = it->second;
  ++count;
  const auto max = static_cast<std::int64_t>(options_.max_pending_per_account);
  if (count > max) {
    auto* d = drop_oldest_.get();
    binder{d}(r.system_id)(count - max);
    if (int rc = run(d); rc != SQLITE_OK) return rc;
    const auto gone = sqlite3_changes(handle_);
    count -= gone;
    dropped += static_cast<std::uint64_t>(gone);
  }
  return SQLITE_OK;
}

int sqlite_message_store::apply_remove(const remove_op& a) {
  // Two lookups by rowid: far cheaper than DELETE ... RETURNING, which builds an ephemeral
  // table per statement. The account is needed for its pending count.
  auto* s = receipt_account_.get();
  sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(a.receipt_id));
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const std::string_view system_id(p ? p : "",
                                     static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
    if (auto it = pending_.find(system_id); it != pending_.end()) {
      undo_.emplace_back(&it->second, it->second);
      --it->second;
    }
    sqlite3_reset(s);
    auto* d = delete_receipt_.get();
    sqlite3_bind_int64(d, 1, static_cast<std::int64_t>(a.receipt_id));
    return run(d);
  }
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

std::vector<message_record> sqlite_message_store::unfinished_messages() {
  std::lock_guard lock(db_mutex_);
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
  const auto cutoff = to_ms(options_.clock->now() - retention);
  {
    auto d = prepare("DELETE FROM receipts WHERE created_at < ?");
    sqlite3_bind_int64(d.get(), 1, cutoff);
    if (run(d.get()) != SQLITE_OK) fail(handle_, "delete old receipts");
  }
  load_pending_counts();
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

std::uint64_t sqlite_message_store::max_message_id() {
  std::lock_guard lock(db_mutex_);
  auto s = prepare("SELECT max(id) FROM messages");
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail(handle_, "max message id");
  return static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));  // NULL reads as 0
}

std::uint64_t sqlite_message_store::purge_finished(std::chrono::hours older_than,
                                                   std::error_code& ec) {
  ec.clear();
  const auto cutoff = to_ms(options_.clock->now() - older_than);
  // Walk the table in id order, which is submit order, in small transactions so the writer
  // is never held up for long; stop at the first message submitted after the cutoff (it
  // cannot have been done before it). Old unfinished messages are skipped, not deleted.
  constexpr int chunk = 2000;
  std::uint64_t purged = 0;
  std::int64_t after = -1;
  std::vector<std::int64_t> ids;
  ids.reserve(chunk);
  for (bool more = true; more;) {
    std::lock_guard lock(db_mutex_);
    auto scan = prepare(
        "SELECT id, state, done_at, submitted_at FROM messages WHERE id > ? ORDER BY id "
        "LIMIT " +
        std::to_string(chunk));
    sqlite3_bind_int64(scan.get(), 1, after);
    ids.clear();
    int rows = 0;
    int rc;
    while ((rc = sqlite3_step(scan.get())) == SQLITE_ROW) {
      ++rows;
      reader r(scan.get());
      const auto id = r.get<std::int64_t>();
      const auto state = r.get<message_state>();
      const auto done_at = r.get<std::optional<wall_time>>();
      const auto submitted_at = to_ms(r.get<wall_time>());
      after = id;
      if (submitted_at >= cutoff) {
        more = false;
        break;
      }
      if (is_final(state) && done_at && to_ms(*done_at) < cutoff) ids.push_back(id);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      ec = to_error(rc);
      return purged;
    }
    if (rows < chunk) more = false;
    scan.reset();
    if (ids.empty()) continue;
    if (rc = run(begin_.get()); rc != SQLITE_OK) {
      ec = to_error(rc);
      return purged;
    }
    auto del = prepare("DELETE FROM messages WHERE id = ?");
    for (auto id : ids) {
      sqlite3_bind_int64(del.get(), 1, id);
      if (rc = run(del.get()); rc != SQLITE_OK) break;
    }
    if (rc == SQLITE_OK) rc = run(commit_.get());
    if (rc != SQLITE_OK) {
      if (!sqlite3_get_autocommit(handle_)) run(rollback_.get());
      ec = to_error(rc);
      return purged;
    }
    purged += ids.size();
  }
  return purged;
}

std::uint64_t sqlite_message_store::set_max_pages(std::uint64_t pages) {
  std::lock_guard lock(db_mutex_);
  auto s = prepare("PRAGMA max_page_count = " + std::to_string(pages));
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail(handle_, "max_page_count");
  return static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
}

std::uint64_t sqlite_message_store::pending_count(std::string_view system_id) {
  std::lock_guard lock(db_mutex_);
  auto it = pending_.find(system_id);
  return it == pending_.end() ? 0 : static_cast<std::uint64_t>(it->second);
}

}  // namespace smppd::store::sqlite
