#include "store/postgres/cluster_store.hpp"

#include <signal.h>

#include <cerrno>

#include "store/postgres/pg_message_store.hpp"
#include "store/postgres/schema.hpp"

namespace smppd::store::postgres {
namespace {

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// Runs `work` in a transaction; rolls back (when it can) and rethrows on failure.
template <class Work>
auto in_transaction(connection& db, Work&& work) {
  db.exec("BEGIN");
  try {
    auto out = work();
    db.exec("COMMIT");
    return out;
  } catch (...) {
    try {
      if (db.ok()) db.exec("ROLLBACK");
    } catch (const pg_error&) {
    }
    throw;
  }
}

}  // namespace

cluster_store::cluster_store(std::string url, node_identity me, std::chrono::seconds dead_after)
    : url_(std::move(url)), me_(std::move(me)), dead_after_(dead_after) {
  db_ = std::make_unique<connection>(url_);
  migrate(*db_);
}

connection& cluster_store::db() {
  if (!db_ || !db_->ok()) reconnect();
  return *db_;
}

void cluster_store::reconnect() {
  db_.reset();
  db_ = std::make_unique<connection>(url_);
  if (listening_) db_->exec("LISTEN " + std::string(receipts_channel));
}

join_result cluster_store::join() {
  auto& c = db();
  return in_transaction(c, [&] {
    auto row = c.exec(
        "SELECT host, pid, stopped, heartbeat_at > now() - make_interval(secs => $2) "
        "FROM nodes WHERE id = $1 FOR UPDATE",
        {number(me_.id), number(dead_after_.count())});
    if (row.rows() == 1) {
      const bool stopped = row.text(0, 2) == "t";
      const bool fresh = row.text(0, 3) == "t";
      const bool crashed_here =
          row.text(0, 0) == me_.host && !process_alive(static_cast<int>(row.integer(0, 1)));
      if (fresh && !stopped && !crashed_here) return join_result::id_in_use;
      c.exec(
          "UPDATE nodes SET instance = $2, host = $3, pid = $4, started_at = now(), "
          "heartbeat_at = now(), stopped = false, handed_over = false WHERE id = $1",
          {number(me_.id), me_.instance, me_.host, number(me_.pid)});
    } else {
      c.exec("INSERT INTO nodes (id, instance, host, pid) VALUES ($1, $2, $3, $4)",
             {number(me_.id), me_.instance, me_.host, number(me_.pid)});
    }
    c.exec("DELETE FROM binds WHERE node = $1", {number(me_.id)});
    return join_result::joined;
  });
}

bool cluster_store::heartbeat() {
  return db().exec("UPDATE nodes SET heartbeat_at = now() WHERE id = $1 AND instance = $2",
                   {number(me_.id), me_.instance})
             .affected() == 1;
}

void cluster_store::leave() {
  auto& c = db();
  in_transaction(c, [&] {
    c.exec("UPDATE receipts SET claimed_by = NULL WHERE claimed_by = $1", {number(me_.id)});
    c.exec("DELETE FROM binds WHERE node = $1", {number(me_.id)});
    c.exec("UPDATE nodes SET stopped = true WHERE id = $1 AND instance = $2",
           {number(me_.id), me_.instance});
    c.exec("SELECT pg_notify($1, '')", {std::string(receipts_channel)});
    return 0;
  });
}

std::vector<int> cluster_store::gone_nodes() {
  auto r = db().exec(
      "SELECT id FROM nodes WHERE id <> $1 AND NOT handed_over "
      "AND (stopped OR heartbeat_at < now() - make_interval(secs => $2)) ORDER BY id",
      {number(me_.id), number(dead_after_.count())});
  std::vector<int> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(static_cast<int>(r.integer(i, 0)));
  return out;
}

std::optional<takeover> cluster_store::take_over(int node) {
  auto& c = db();
  return in_transaction(c, [&]() -> std::optional<takeover> {
    auto row = c.exec(
        "SELECT id FROM nodes WHERE id = $1 AND NOT handed_over "
        "AND (stopped OR heartbeat_at < now() - make_interval(secs => $2)) "
        "FOR UPDATE SKIP LOCKED",
        {number(node), number(dead_after_.count())});
    if (row.rows() == 0) return std::nullopt;
    takeover t;
    t.node = node;
    // Messages before receipts, as the writer's batches take their locks.
    auto moved = c.exec(
        "UPDATE messages SET owner = $2 WHERE owner = $1 "
        "RETURNING record, state::int8, carrier, upstream_id",
        {number(node), number(me_.id)}, true);
    for (int i = 0; i < moved.rows(); ++i) {
      auto m = decode_message(moved.octets(i, 0));
      if (!m) continue;
      m->state = static_cast<core::message_state>(moved.integer(i, 1));
      m->carrier = std::string(moved.text(i, 2));
      m->upstream_id = std::string(moved.text(i, 3));
      t.messages.push_back(std::move(*m));
    }
    t.receipts_released =
        c.exec("UPDATE receipts SET claimed_by = NULL WHERE claimed_by = $1", {number(node)})
            .affected();
    c.exec("DELETE FROM binds WHERE node = $1", {number(node)});
    c.exec("UPDATE nodes SET handed_over = true WHERE id = $1", {number(node)});
    if (t.receipts_released > 0)
      c.exec("SELECT pg_notify($1, '')", {std::string(receipts_channel)});
    return t;
  });
}

std::vector<core::receipt_record> cluster_store::claim(std::string_view system_id,
                                                       std::size_t limit) {
  return claimed(db().exec(
      "UPDATE receipts SET claimed_by = $1 WHERE receipt_id IN ("
      "SELECT receipt_id FROM receipts WHERE system_id = $2 AND claimed_by IS NULL "
      "ORDER BY receipt_id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING record",
      {number(me_.id), std::string(system_id), number(static_cast<std::int64_t>(limit))}, true));
}

std::vector<core::receipt_record> cluster_store::claim_webhooks(std::size_t limit) {
  return claimed(
      db().exec("UPDATE receipts SET claimed_by = $1 WHERE receipt_id IN ("
                "SELECT receipt_id FROM receipts WHERE webhook AND claimed_by IS NULL "
                "ORDER BY receipt_id LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING record",
                {number(me_.id), number(static_cast<std::int64_t>(limit))}, true));
}

std::vector<core::receipt_record> cluster_store::claimed(const result& r) {
  std::vector<core::receipt_record> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    if (auto receipt = decode_receipt(r.octets(i, 0))) out.push_back(std::move(*receipt));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.receipt_id < b.receipt_id; });
  return out;
}

void cluster_store::release(const std::vector<std::uint64_t>& receipt_ids) {
  if (receipt_ids.empty()) return;
  auto& c = db();
  in_transaction(c, [&] {
    c.exec("UPDATE receipts SET claimed_by = NULL WHERE claimed_by = $1 AND receipt_id = ANY($2)",
           {number(me_.id), int_array(receipt_ids)});
    c.exec("SELECT pg_notify($1, '')", {std::string(receipts_channel)});
    return 0;
  });
}

std::pair<std::uint64_t, std::uint64_t> cluster_store::trim(std::uint64_t cap, wall_time cutoff) {
  auto& c = db();
  const auto cutoff_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cutoff.time_since_epoch()).count();
  const auto expired =
      c.exec("DELETE FROM receipts WHERE created_at <= $1", {number(cutoff_ms)}).affected();
  std::uint64_t dropped = 0;
  auto over = c.exec("SELECT system_id FROM receipts GROUP BY system_id HAVING count(*) > $1",
                     {number(static_cast<std::int64_t>(cap))});
  for (int i = 0; i < over.rows(); ++i) {
    dropped += c.exec(
                    "DELETE FROM receipts WHERE system_id = $1 AND receipt_id <= ("
                    "SELECT receipt_id FROM receipts WHERE system_id = $1 "
                    "ORDER BY receipt_id DESC OFFSET $2 LIMIT 1)",
                    {std::string(over.text(i, 0)), number(static_cast<std::int64_t>(cap))})
                   .affected();
  }
  return {dropped, expired};
}

void cluster_store::listen() {
  listening_ = true;
  db().exec("LISTEN " + std::string(receipts_channel));
}

std::vector<std::string> cluster_store::wait_notifications(std::chrono::milliseconds limit) {
  return db().wait_notifications(limit);
}

}  // namespace smppd::store::postgres
