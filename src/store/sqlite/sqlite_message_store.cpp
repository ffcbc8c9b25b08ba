#include "store/sqlite/sqlite_message_store.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>

namespace smppd::store::sqlite {
namespace {

constexpr std::string_view message_columns =
    "id, system_id, source_addr_ton, source_addr_npi, source_addr, dest_addr_ton, "
    "dest_addr_npi, destination_addr, service_type, esm_class, protocol_id, data_coding, "
    "payload, parts, requested_priority, priority, user_message_reference, message_class, "
    "flash, registered_delivery, schedule_delivery_time, validity_period, submitted_at, state, "
    "done_at, error_code";

constexpr std::string_view receipt_columns =
    "receipt_id, system_id, message_id, text, message_state, network_error, source_addr_ton, "
    "source_addr_npi, source_addr, dest_addr_ton, dest_addr_npi, destination_addr, "
    "user_message_reference, created_at";

std::int64_t to_ms(wall_time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
wall_time from_ms(std::int64_t ms) { return wall_time(std::chrono::milliseconds(ms)); }

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

// Binds while remembering the first failure, so a batch checks once per statement. Text and
// blobs are bound SQLITE_STATIC: the operation outlives the statement's execution.
class binder {
 public:
  explicit binder(sqlite3_stmt* s) : s_(s) {}
  binder& i(std::int64_t v) { return check(sqlite3_bind_int64(s_, ++n_, v)); }
  binder& t(std::string_view v) {
    return check(sqlite3_bind_text(s_, ++n_, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                                   SQLITE_STATIC));
  }
  binder& b(const std::vector<std::uint8_t>& v) {  // empty = NULL
    return check(v.empty() ? sqlite3_bind_null(s_, ++n_)
                           : sqlite3_bind_blob(s_, ++n_, v.data(), static_cast<int>(v.size()),
                                               SQLITE_STATIC));
  }
  binder& time(const std::optional<wall_time>& v) {
    return check(v ? sqlite3_bind_int64(s_, ++n_, to_ms(*v)) : sqlite3_bind_null(s_, ++n_));
  }
  int rc() const { return rc_; }

 private:
  binder& check(int rc) {
    if (rc != SQLITE_OK && rc_ == SQLITE_OK) rc_ = rc;
    return *this;
  }
  sqlite3_stmt* s_;
  int n_ = 0;
  int rc_ = SQLITE_OK;
};

class reader {
 public:
  explicit reader(sqlite3_stmt* s) : s_(s) {}
  std::int64_t i() { return sqlite3_column_int64(s_, n_++); }
  template <class T>
  T u() {
    return static_cast<T>(sqlite3_column_int64(s_, n_++));
  }
  std::string t() {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, n_));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s_, n_++));
    return p ? std::string(p, size) : std::string();
  }
  std::vector<std::uint8_t> b() {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, n_));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s_, n_++));
    return p ? std::vector<std::uint8_t>(p, p + size) : std::vector<std::uint8_t>();
  }
  std::optional<wall_time> time() {
    if (sqlite3_column_type(s_, n_) == SQLITE_NULL) {
      ++n_;
      return std::nullopt;
    }
    return from_ms(i());
  }

 private:
  sqlite3_stmt* s_;
  int n_ = 0;
};

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
  insert_message_ = prepare("INSERT INTO messages (" + std::string(message_columns) +
                            ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  update_outcome_ = prepare(
      "UPDATE messages SET state = ?, done_at = ?, error_code = ? "
      "WHERE id = ?");
  insert_receipt_ = prepare(
      "INSERT INTO receipts (system_id, message_id, text, message_state, network_error, "
      "source_addr_ton, source_addr_npi, source_addr, dest_addr_ton, dest_addr_npi, "
      "destination_addr, user_message_reference, created_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
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
    auto id = r.t();
    pending_[std::move(id)] = r.i();
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
  b.i(static_cast<std::int64_t>(m.id))
      .t(m.system_id)
      .i(m.source_addr_ton)
      .i(m.source_addr_npi)
      .t(m.source_addr)
      .i(m.dest_addr_ton)
      .i(m.dest_addr_npi)
      .t(m.destination_addr)
      .t(m.service_type)
      .i(m.esm_class)
      .i(m.protocol_id)
      .i(m.data_coding)
      .b(m.payload)
      .i(m.parts)
      .i(m.requested_priority)
      .i(m.priority)
      .b(m.user_message_reference)
      .t(m.message_class)
      .i(m.flash ? 1 : 0)
      .i(m.registered_delivery)
      .time(m.schedule_delivery_time)
      .time(m.validity_period)
      .i(to_ms(m.submitted_at))
      .i(static_cast<std::int64_t>(m.state))
      .time(m.done_at)
      .i(m.error_code);
  if (b.rc() != SQLITE_OK) {
    sqlite3_clear_bindings(s);
    return b.rc();
  }
  return run(s);
}

int sqlite_message_store::apply_outcome(outcome_op& a, std::uint64_t& receipt_id,
                                        std::uint64_t& dropped) {
  auto* u = update_outcome_.get();
  binder(u)
      .i(static_cast<std::int64_t>(a.state))
      .i(to_ms(a.done_at))
      .i(a.error_code)
      .i(static_cast<std::int64_t>(a.message_id));
  if (int rc = run(u); rc != SQLITE_OK) return rc;
  if (!a.receipt) return SQLITE_OK;

  const auto& r = *a.receipt;
  auto* s = insert_receipt_.get();
  binder b(s);
  b.t(r.system_id)
      .i(static_cast<std::int64_t>(r.message_id))
      .t(r.text)
      .i(r.message_state)
      .i(r.network_error)
      .i(r.source_addr_ton)
      .i(r.source_addr_npi)
      .t(r.source_addr)
      .i(r.dest_addr_ton)
      .i(r.dest_addr_npi)
      .t(r.destination_addr)
      .b(r.user_message_reference)
      .i(to_ms(r.created_at));
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
    binder(d).t(r.system_id).i(count - max);
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
  auto s = prepare("SELECT " + std::string(message_columns) +
                   " FROM messages WHERE state < 2 ORDER BY id");
  std::vector<message_record> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    reader r(s.get());
    message_record m;
    m.id = r.u<std::uint64_t>();
    m.system_id = r.t();
    m.source_addr_ton = r.u<std::uint8_t>();
    m.source_addr_npi = r.u<std::uint8_t>();
    m.source_addr = r.t();
    m.dest_addr_ton = r.u<std::uint8_t>();
    m.dest_addr_npi = r.u<std::uint8_t>();
    m.destination_addr = r.t();
    m.service_type = r.t();
    m.esm_class = r.u<std::uint8_t>();
    m.protocol_id = r.u<std::uint8_t>();
    m.data_coding = r.u<std::uint8_t>();
    m.payload = r.b();
    m.parts = r.u<std::uint16_t>();
    m.requested_priority = r.u<std::uint8_t>();
    m.priority = r.u<std::uint8_t>();
    m.user_message_reference = r.b();
    m.message_class = r.t();
    m.flash = r.i() != 0;
    m.registered_delivery = r.u<std::uint8_t>();
    m.schedule_delivery_time = r.time();
    m.validity_period = r.time();
    m.submitted_at = from_ms(r.i());
    m.state = r.u<message_state>();
    m.done_at = r.time();
    m.error_code = r.u<std::uint32_t>();
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) fail(handle_, "read unfinished messages");
  return out;
}

std::vector<receipt_record> sqlite_message_store::pending_receipts(std::chrono::hours retention) {
  std::lock_guard lock(db_mutex_);
  const auto cutoff = to_ms(std::chrono::system_clock::now() - retention);
  {
    auto d = prepare("DELETE FROM receipts WHERE created_at < ?");
    sqlite3_bind_int64(d.get(), 1, cutoff);
    if (run(d.get()) != SQLITE_OK) fail(handle_, "delete old receipts");
  }
  load_pending_counts();
  auto s = prepare("SELECT " + std::string(receipt_columns) + " FROM receipts ORDER BY receipt_id");
  std::vector<receipt_record> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    reader r(s.get());
    receipt_record x;
    x.receipt_id = r.u<std::uint64_t>();
    x.system_id = r.t();
    x.message_id = r.u<std::uint64_t>();
    x.text = r.t();
    x.message_state = r.u<std::uint8_t>();
    x.network_error = r.u<std::uint32_t>();
    x.source_addr_ton = r.u<std::uint8_t>();
    x.source_addr_npi = r.u<std::uint8_t>();
    x.source_addr = r.t();
    x.dest_addr_ton = r.u<std::uint8_t>();
    x.dest_addr_npi = r.u<std::uint8_t>();
    x.destination_addr = r.t();
    x.user_message_reference = r.b();
    x.created_at = from_ms(r.i());
    out.push_back(std::move(x));
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
  const auto cutoff = to_ms(std::chrono::system_clock::now() - older_than);
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
      const auto id = r.i();
      const auto state = r.u<message_state>();
      const auto done_at = r.time();
      const auto submitted_at = r.i();
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
