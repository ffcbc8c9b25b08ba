#include "store/postgres/pg_account_store.hpp"

#include "common/comma_list.hpp"
#include "store/postgres/schema.hpp"

namespace smppd::store::postgres {
namespace {

constexpr std::string_view select_columns =
    "SELECT system_id, password_hash, max_binds, throughput, max_priority, classes, "
    "webhook_url, webhook_secret, mo_url FROM accounts";

account::account read_row(const result& r, int row) {
  account::account a;
  a.system_id = std::string(r.text(row, 0));
  a.password_hash = std::string(r.text(row, 1));
  a.max_binds = static_cast<std::uint32_t>(r.integer(row, 2));
  a.throughput = static_cast<std::uint32_t>(r.integer(row, 3));
  a.max_priority = static_cast<std::uint8_t>(r.integer(row, 4));
  a.classes = split_commas(r.text(row, 5));
  a.webhook_url = std::string(r.text(row, 6));
  a.webhook_secret = std::string(r.text(row, 7));
  a.mo_url = std::string(r.text(row, 8));
  return a;
}

constexpr std::string_view select_token_columns =
    "SELECT id, system_id, label, hash, created_at FROM api_tokens";

account::api_token read_token(const result& r, int row) {
  return {std::string(r.text(row, 0)), std::string(r.text(row, 1)), std::string(r.text(row, 2)),
          std::string(r.text(row, 3)), r.integer(row, 4)};
}

}  // namespace

pg_account_store::pg_account_store(std::string url, int node_id)
    : url_(std::move(url)), node_id_(node_id), db_(std::make_unique<connection>(url_)) {
  migrate(*db_);
}

template <class Work>
auto pg_account_store::with_connection(Work&& work) {
  std::lock_guard lock(mutex_);
  const auto reconnect = [&] {
    db_.reset();
    const auto now = std::chrono::steady_clock::now();
    if (now < next_connect_) throw pg_error(core::errc::unavailable, "PostgreSQL is down");
    next_connect_ = now + std::chrono::seconds(1);
    db_ = std::make_unique<connection>(url_);
  };
  if (!db_ || !db_->ok()) reconnect();
  try {
    return work(*db_);
  } catch (const pg_error&) {
    if (db_->ok()) throw;
    reconnect();
    return work(*db_);
  }
}

bool pg_account_store::add(const account::account& a) {
  return with_connection([&](connection& db) {
    return db.exec(
                 "INSERT INTO accounts (system_id, password_hash, max_binds, throughput, "
                 "max_priority, classes, webhook_url, webhook_secret, mo_url) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                 "ON CONFLICT (system_id) DO NOTHING",
                 {a.system_id, a.password_hash, std::to_string(a.max_binds),
                  std::to_string(a.throughput), std::to_string(a.max_priority),
                  join_commas(a.classes), a.webhook_url, a.webhook_secret, a.mo_url})
               .affected() == 1;
  });
}

std::optional<account::account> pg_account_store::find(std::string_view system_id) {
  const std::string id(system_id);
  try {
    auto found = with_connection([&](connection& db) -> std::optional<account::account> {
      auto r = db.exec(std::string(select_columns) + " WHERE system_id = $1", {id});
      if (r.rows() == 0) return std::nullopt;
      return read_row(r, 0);
    });
    std::lock_guard lock(mutex_);
    if (found) {
      last_known_[id] = *found;
    } else {
      last_known_.erase(id);
    }
    return found;
  } catch (const pg_error& e) {
    if (e.code() != core::errc::unavailable) throw;
    std::lock_guard lock(mutex_);
    const auto it = last_known_.find(id);
    if (it == last_known_.end()) throw;
    return it->second;
  }
}

std::vector<account::account> pg_account_store::list() {
  return with_connection([&](connection& db) {
    auto r = db.exec(std::string(select_columns) + " ORDER BY system_id");
    std::vector<account::account> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_row(r, i));
    return out;
  });
}

bool pg_account_store::remove(std::string_view system_id) {
  // The account's tokens go with it: api_tokens references accounts ON DELETE CASCADE.
  const bool removed = with_connection([&](connection& db) {
    return db.exec("DELETE FROM accounts WHERE system_id = $1", {std::string(system_id)})
               .affected() == 1;
  });
  std::lock_guard lock(mutex_);
  std::erase_if(last_known_tokens_,
                [&](const auto& entry) { return entry.second.system_id == system_id; });
  return removed;
}

bool pg_account_store::set_password_hash(std::string_view system_id, const std::string& hash) {
  return with_connection([&](connection& db) {
    return db.exec("UPDATE accounts SET password_hash = $2 WHERE system_id = $1",
                   {std::string(system_id), hash})
               .affected() == 1;
  });
}

bool pg_account_store::set_limits(const account::account& a) {
  return with_connection([&](connection& db) {
    return db.exec(
                 "UPDATE accounts SET max_binds = $2, throughput = $3, max_priority = $4, "
                 "classes = $5 WHERE system_id = $1",
                 {a.system_id, std::to_string(a.max_binds), std::to_string(a.throughput),
                  std::to_string(a.max_priority), join_commas(a.classes)})
               .affected() == 1;
  });
}

bool pg_account_store::set_webhooks(std::string_view system_id, const std::string& webhook_url,
                                    const std::string& webhook_secret, const std::string& mo_url) {
  return with_connection([&](connection& db) {
    return db.exec(
                 "UPDATE accounts SET webhook_url = $2, webhook_secret = $3, mo_url = $4 "
                 "WHERE system_id = $1",
                 {std::string(system_id), webhook_url, webhook_secret, mo_url})
               .affected() == 1;
  });
}

}  // namespace smppd::store::postgres

namespace smppd::store::postgres {

bool pg_account_store::add_token(const account::api_token& token) {
  // Inserting from the accounts row inserts nothing when there is no such account.
  return with_connection([&](connection& db) {
    return db.exec(
                 "INSERT INTO api_tokens (id, system_id, label, hash, created_at) "
                 "SELECT $1, system_id, $3, $4, $5 FROM accounts WHERE system_id = $2",
                 {token.id, token.system_id, token.label, token.hash,
                  number(token.created_at_unix)})
               .affected() == 1;
  });
}

std::vector<account::api_token> pg_account_store::list_tokens(
    std::optional<std::string_view> system_id) {
  return with_connection([&](connection& db) {
    auto r =
        system_id
            ? db.exec(std::string(select_token_columns) +
                          " WHERE system_id = $1 ORDER BY system_id, created_at, id",
                      {std::string(*system_id)})
            : db.exec(std::string(select_token_columns) + " ORDER BY system_id, created_at, id");
    std::vector<account::api_token> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_token(r, i));
    return out;
  });
}

bool pg_account_store::remove_token(std::string_view token_id) {
  const bool removed = with_connection([&](connection& db) {
    return db.exec("DELETE FROM api_tokens WHERE id = $1", {std::string(token_id)}).affected() == 1;
  });
  std::lock_guard lock(mutex_);
  std::erase_if(last_known_tokens_, [&](const auto& entry) { return entry.second.id == token_id; });
  return removed;
}

std::optional<account::api_token> pg_account_store::find_token(std::string_view hash) {
  const std::string key(hash);
  try {
    auto found = with_connection([&](connection& db) -> std::optional<account::api_token> {
      auto r = db.exec(std::string(select_token_columns) + " WHERE hash = $1", {key});
      if (r.rows() == 0) return std::nullopt;
      return read_token(r, 0);
    });
    std::lock_guard lock(mutex_);
    if (found) {
      last_known_tokens_[key] = *found;
    } else {
      last_known_tokens_.erase(key);
    }
    return found;
  } catch (const pg_error& e) {
    if (e.code() != core::errc::unavailable) throw;
    std::lock_guard lock(mutex_);
    const auto it = last_known_tokens_.find(key);
    if (it == last_known_tokens_.end()) throw;
    return it->second;
  }
}

core::binds_elsewhere pg_account_store::bound_elsewhere(std::string_view system_id) {
  return with_connection([&](connection& db) {
    auto r = db.exec(
        "SELECT coalesce(sum(b.sessions), 0), count(*) FROM binds b JOIN nodes n "
        "ON n.id = b.node WHERE b.system_id = $1 AND b.node <> $2 AND b.sessions > 0 "
        "AND NOT n.stopped AND n.heartbeat_at > now() - interval '15 seconds'",
        {std::string(system_id), std::to_string(node_id_)});
    return core::binds_elsewhere{static_cast<std::uint32_t>(r.integer(0, 0)),
                                 static_cast<std::uint32_t>(r.integer(0, 1))};
  });
}

void pg_account_store::publish(std::string_view system_id, std::uint32_t sessions) {
  if (node_id_ < 0) return;
  with_connection([&](connection& db) {
    db.exec(
        "INSERT INTO binds (node, system_id, sessions) VALUES ($1, $2, $3) "
        "ON CONFLICT (system_id, node) DO UPDATE SET sessions = excluded.sessions",
        {std::to_string(node_id_), std::string(system_id), std::to_string(sessions)});
    return 0;
  });
}

}  // namespace smppd::store::postgres
