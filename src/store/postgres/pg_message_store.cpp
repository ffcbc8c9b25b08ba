#include "store/postgres/pg_message_store.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>
#include <variant>

#include "store/journal/journal.hpp"
#include "store/postgres/schema.hpp"

namespace smppd::store::postgres {
namespace {

using core::message_record;
using core::receipt_record;

constexpr std::uint64_t receipt_block_size = 4096;

std::int64_t unix_ms(wall_time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

template <class Step>
std::optional<Step> decode_one(std::span<const std::uint8_t> bytes) {
  std::optional<Step> out;
  journal::decode(bytes, [&](core::message_step&& step) {
    if (auto* s = std::get_if<Step>(&step)) out = std::move(*s);
  });
  return out;
}

// A message as read back: the record, with what later steps changed beside it.
std::vector<message_record> read_messages(const result& r) {
  std::vector<message_record> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    auto m = decode_message(r.octets(i, 0));
    if (!m) continue;  // cannot happen short of corruption; skipping beats stopping
    m->state = static_cast<core::message_state>(r.integer(i, 1));
    m->carrier = std::string(r.text(i, 2));
    m->upstream_id = std::string(r.text(i, 3));
    out.push_back(std::move(*m));
  }
  return out;
}

// A record as its bytea column holds it: the journal's encoding of one step, in `e` (one
// encoder per batch, cleared per row: no allocation per message).
std::span<const std::uint8_t> encode_message(journal::encoder& e, const message_record& m) {
  e.clear();
  e.accepted(m);
  return e.bytes();
}

std::span<const std::uint8_t> encode_receipt(journal::encoder& e, const receipt_record& r) {
  e.clear();
  e.mo_received(r, r.receipt_id);  // the journal's one entry that is a whole receipt
  return e.bytes();
}

constexpr std::string_view message_columns = "record, state::int8, carrier, upstream_id";

}  // namespace

std::optional<message_record> decode_message(std::span<const std::uint8_t> bytes) {
  auto step = decode_one<core::message_accepted>(bytes);
  if (!step) return std::nullopt;
  return std::move(step->message);
}

std::optional<receipt_record> decode_receipt(std::span<const std::uint8_t> bytes) {
  auto step = decode_one<core::mo_received>(bytes);
  if (!step) return std::nullopt;
  return std::move(step->mo);
}

pg_message_store::pg_message_store(std::string url, pg_store_options options)
    : url_(std::move(url)), options_(options) {
  {
    connection db(url_);
    migrate(db);
  }
  for (int i = 0; i < std::max(1, options_.writers); ++i) {
    auto w = std::make_unique<writer>();
    open_writer(*w);
    writers_.push_back(std::move(w));
  }
  for (auto& w : writers_) {
    w->thread = std::thread([this, &w = *w] {
      pthread_setname_np(pthread_self(), "smppd-pg-write");
      writer_loop(w);
    });
  }
}

pg_message_store::~pg_message_store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  for (auto& w : writers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void pg_message_store::open_writer(writer& w) {
  w.db = std::make_unique<connection>(url_);
  if (!options_.synchronous_full) w.db->exec("SET synchronous_commit = off");
}

void pg_message_store::write(std::vector<core::message_step> steps, write_done done) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(request{std::move(steps), std::move(done), {}});
    ++enqueued_;
  }
  queue_cv_.notify_one();
}

void pg_message_store::flush() {
  std::unique_lock lock(queue_mutex_);
  const auto target = enqueued_;
  done_cv_.wait(lock, [&] { return completed_ >= target; });
}

void pg_message_store::writer_loop(writer& w) {
  for (;;) {
    std::vector<request> batch;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything written
      std::size_t steps = 0;
      std::size_t taken = 0;
      while (taken < queue_.size() && (taken == 0 || steps < options_.max_batch)) {
        steps += queue_[taken].steps.size();
        ++taken;
      }
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(taken)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(taken));
    }
    std::error_code failure;
    try {
      if (!w.db || !w.db->ok()) {
        w.db.reset();
        // While the database is down, a batch fails at once rather than each one waiting
        // for a connection attempt of its own.
        const auto now = std::chrono::steady_clock::now();
        if (now < w.next_connect) throw pg_error(core::errc::unavailable, "PostgreSQL is down");
        w.next_connect = now + std::chrono::milliseconds(250);
        open_writer(w);
      }
      run_batch(w, batch);
    } catch (const pg_error& e) {
      failure = e.code();
      if (!failing_.exchange(true) && options_.report) options_.report(true, e.what());
      if (w.db && w.db->ok()) {
        try {
          w.db->exec("ROLLBACK");
        } catch (const pg_error&) {
          w.db.reset();
        }
      }
    }
    if (!failure && failing_.load() && failing_.exchange(false) && options_.report) {
      options_.report(false, "writes succeed again");
    }
    for (auto& r : batch) {
      if (failure) {
        r.results.assign(r.steps.size(), core::step_result{failure, 0});
      }
      if (r.done) r.done(r.results, r.steps);
    }
    {
      std::lock_guard lock(queue_mutex_);
      completed_ += batch.size();
    }
    done_cv_.notify_all();
  }
}

std::uint64_t pg_message_store::next_receipt_id(writer& w) {
  if (w.receipt_block_next == w.receipt_block_end) {
    const auto block = w.db->exec("SELECT nextval('receipt_id_blocks')").integer(0, 0);
    w.receipt_block_next = static_cast<std::uint64_t>(block) * receipt_block_size;
    w.receipt_block_end = w.receipt_block_next + receipt_block_size;
  }
  return w.receipt_block_next++;
}

void pg_message_store::run_batch(writer& w, std::vector<request>& batch) {
  connection& db = *w.db;
  // What the batch does to each table, after steps that cancel out are taken away.
  std::unordered_map<std::uint64_t, message_record*> inserts;  // id -> record in its step
  std::vector<std::uint64_t> insert_order;
  struct enroute {
    std::uint64_t id;
    std::string_view carrier, upstream_id;
  };
  std::vector<enroute> enroutes;
  std::vector<std::uint64_t> finished;
  struct queued_receipt {
    receipt_record* receipt;
    bool deliver_here;
  };
  std::unordered_map<std::uint64_t, queued_receipt> receipts;
  std::vector<std::uint64_t> receipt_order;
  std::vector<std::uint64_t> acknowledged;
  std::uint64_t max_id = 0;

  db.exec("BEGIN");
  const auto queue_receipt = [&](receipt_record& r, bool here) {
    r.receipt_id = next_receipt_id(w);
    receipts.emplace(r.receipt_id, queued_receipt{&r, here});
    receipt_order.push_back(r.receipt_id);
    return r.receipt_id;
  };
  for (auto& req : batch) {
    req.results.assign(req.steps.size(), core::step_result{});
    for (std::size_t i = 0; i < req.steps.size(); ++i) {
      auto& result = req.results[i];
      std::visit(
          [&](auto& s) {
            using T = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<T, core::message_accepted>) {
              if (!inserts.emplace(s.message.id, &s.message).second) {
                result.ec = core::errc::duplicate;
                return;
              }
              insert_order.push_back(s.message.id);
              max_id = std::max(max_id, s.message.id);
            } else if constexpr (std::is_same_v<T, core::message_enroute>) {
              if (const auto it = inserts.find(s.message_id); it != inserts.end()) {
                it->second->state = core::message_state::enroute;
                it->second->carrier = s.carrier;
                it->second->upstream_id = s.upstream_id;
              } else {
                enroutes.push_back({s.message_id, s.carrier, s.upstream_id});
              }
            } else if constexpr (std::is_same_v<T, core::message_finished>) {
              if (inserts.erase(s.message_id) == 0) finished.push_back(s.message_id);
              if (s.receipt) result.receipt_id = queue_receipt(*s.receipt, s.deliver_here);
            } else if constexpr (std::is_same_v<T, core::receipt_acknowledged>) {
              if (receipts.erase(s.receipt_id) == 0) acknowledged.push_back(s.receipt_id);
            } else if constexpr (std::is_same_v<T, core::mo_received>) {
              result.receipt_id = queue_receipt(s.mo, s.deliver_here);
            }
          },
          req.steps[i]);
    }
  }

  journal::encoder encoder;
  if (!inserts.empty()) {
    copy_rows rows;
    for (const auto id : insert_order) {
      const auto it = inserts.find(id);
      if (it == inserts.end()) continue;
      const message_record& m = *it->second;
      const auto record = encode_message(encoder, m);
      rows.begin_row(7);
      rows.int64(static_cast<std::int64_t>(m.id));
      rows.int32(options_.node_id);
      rows.int16(static_cast<std::int16_t>(m.state));
      rows.int16(static_cast<std::int16_t>(m.priority));
      rows.text(m.carrier);
      rows.text(m.upstream_id);
      rows.octets(record.data(), record.size());
    }
    db.copy_in("messages (id, owner, state, priority, carrier, upstream_id, record)", rows);
  }
  if (!enroutes.empty()) {
    std::vector<std::uint64_t> ids;
    std::vector<std::string_view> carriers, upstream_ids;
    for (const auto& e : enroutes) {
      ids.push_back(e.id);
      carriers.push_back(e.carrier);
      upstream_ids.push_back(e.upstream_id);
    }
    db.exec(
        "UPDATE messages m SET state = 1, carrier = u.carrier, upstream_id = u.upstream_id "
        "FROM unnest($1::int8[], $2::text[], $3::text[]) AS u(id, carrier, upstream_id) "
        "WHERE m.id = u.id",
        {int_array(ids), text_array(carriers), text_array(upstream_ids)});
  }
  if (!finished.empty()) {
    db.exec("DELETE FROM messages WHERE id = ANY($1::int8[])", {int_array(finished)});
  }
  std::set<std::string_view> unclaimed_accounts;
  if (!receipts.empty()) {
    copy_rows rows;
    for (const auto id : receipt_order) {
      const auto it = receipts.find(id);
      if (it == receipts.end()) continue;
      const receipt_record& r = *it->second.receipt;
      const auto record = encode_receipt(encoder, r);
      rows.begin_row(6);
      rows.int64(static_cast<std::int64_t>(r.receipt_id));
      rows.text(r.system_id);
      if (it->second.deliver_here) {
        rows.int32(options_.node_id);
      } else {
        rows.null();
        unclaimed_accounts.insert(r.system_id);
      }
      rows.int64(unix_ms(r.created_at));
      rows.octets(record.data(), record.size());
      rows.boolean(r.is_webhook());
    }
    if (rows.rows() > 0) {
      db.copy_in("receipts (receipt_id, system_id, claimed_by, created_at, record, webhook)", rows);
    }
  }
  if (!acknowledged.empty()) {
    db.exec("DELETE FROM receipts WHERE receipt_id = ANY($1::int8[])", {int_array(acknowledged)});
  }
  std::uint64_t record_floor = 0;
  {
    std::lock_guard lock(floor_mutex_);
    highest_id_ = std::max(highest_id_, max_id);
    const auto now = std::chrono::steady_clock::now();
    if (highest_id_ > recorded_id_ && now >= next_floor_) {
      record_floor = highest_id_;
      next_floor_ = now + std::chrono::seconds(1);
    }
  }
  if (record_floor != 0) {
    db.exec("UPDATE nodes SET last_message_id = greatest(last_message_id, $2) WHERE id = $1",
            {number(options_.node_id), number(static_cast<std::int64_t>(record_floor))});
  }
  if (!unclaimed_accounts.empty()) {
    // One notification per batch, naming the accounts (the payload's limit is 8000 octets:
    // beyond it, "" = look at every account).
    std::string payload;
    for (const auto account : unclaimed_accounts) {
      if (!payload.empty()) payload += ',';
      payload += account;
    }
    if (payload.size() > 7000) payload.clear();
    db.exec("SELECT pg_notify($1, $2)", {std::string(receipts_channel), payload});
  }
  db.exec("COMMIT");
  if (record_floor != 0) {
    std::lock_guard lock(floor_mutex_);
    recorded_id_ = std::max(recorded_id_, record_floor);
  }
}

connection& pg_message_store::reader() {
  if (!reader_db_ || !reader_db_->ok()) {
    reader_db_.reset();
    reader_db_ = std::make_unique<connection>(url_);
  }
  return *reader_db_;
}

std::vector<message_record> pg_message_store::unfinished_messages() {
  std::lock_guard lock(reader_mutex_);
  auto r = reader().exec(
      "SELECT " + std::string(message_columns) + " FROM messages WHERE owner = $1 ORDER BY id",
      {number(options_.node_id)}, true);
  return read_messages(r);
}

std::vector<receipt_record> pg_message_store::pending_receipts(std::chrono::hours retention) {
  std::lock_guard lock(reader_mutex_);
  auto& db = reader();
  const auto cutoff = unix_ms(options_.clock->now() - retention);
  db.exec("DELETE FROM receipts WHERE created_at <= $1", {number(cutoff)});
  auto r = db.exec("SELECT record FROM receipts WHERE claimed_by = $1 ORDER BY receipt_id",
                   {number(options_.node_id)}, true);
  std::vector<receipt_record> out;
  for (int i = 0; i < r.rows(); ++i) {
    if (auto receipt = decode_receipt(r.octets(i, 0))) out.push_back(std::move(*receipt));
  }
  return out;
}

std::vector<message_record> pg_message_store::waiting_messages(
    std::optional<core::waiting_cursor> after, std::size_t limit) {
  std::lock_guard lock(reader_mutex_);
  const std::string select =
      "SELECT " + std::string(message_columns) + " FROM messages WHERE owner = $1 AND state = 0";
  const std::string order = " ORDER BY priority DESC, id LIMIT ";
  if (after) {
    auto r = reader().exec(select + " AND (priority < $2 OR (priority = $2 AND id > $3))" + order +
                               std::to_string(limit),
                           {number(options_.node_id), number(after->priority),
                            number(static_cast<std::int64_t>(after->id))},
                           true);
    return read_messages(r);
  }
  auto r = reader().exec(select + order + std::to_string(limit), {number(options_.node_id)}, true);
  return read_messages(r);
}

std::uint64_t pg_message_store::max_message_id() {
  std::lock_guard lock(reader_mutex_);
  auto r =
      reader().exec("SELECT last_message_id FROM nodes WHERE id = $1", {number(options_.node_id)});
  const std::uint64_t recorded = r.rows() ? static_cast<std::uint64_t>(r.integer(0, 0)) : 0;
  auto m = reader().exec("SELECT coalesce(max(id), 0) FROM messages WHERE owner = $1",
                         {number(options_.node_id)});
  return std::max(recorded, static_cast<std::uint64_t>(m.integer(0, 0)));
}

}  // namespace smppd::store::postgres
