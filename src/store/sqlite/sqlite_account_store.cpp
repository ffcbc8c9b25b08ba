#include "store/sqlite/sqlite_account_store.hpp"

#include "common/comma_list.hpp"

namespace smppd::store::sqlite {
namespace {

constexpr std::string_view select_columns =
    "SELECT system_id, password_hash, max_binds, throughput, max_priority, classes, "
    "webhook_url, webhook_secret, mo_url FROM accounts";

account::account read_row(const statement& row) {
  account::account a;
  a.system_id = row.column_text(0);
  a.password_hash = row.column_text(1);
  a.max_binds = static_cast<std::uint32_t>(row.column_int(2));
  a.throughput = static_cast<std::uint32_t>(row.column_int(3));
  a.max_priority = static_cast<std::uint8_t>(row.column_int(4));
  a.classes = split_commas(row.column_text(5));
  a.webhook_url = row.column_text(6);
  a.webhook_secret = row.column_text(7);
  a.mo_url = row.column_text(8);
  return a;
}

constexpr std::string_view select_token_columns =
    "SELECT id, system_id, label, hash, created_at FROM api_tokens";

account::api_token read_token(const statement& row) {
  return {row.column_text(0), row.column_text(1), row.column_text(2), row.column_text(3),
          row.column_int(4)};
}

}  // namespace

bool sqlite_account_store::add(const account::account& a) {
  statement insert(db_->handle(),
                   "INSERT INTO accounts (system_id, password_hash, max_binds, throughput, "
                   "max_priority, classes, webhook_url, webhook_secret, mo_url) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                   "ON CONFLICT(system_id) DO NOTHING");
  insert.bind(1, a.system_id)
      .bind(2, a.password_hash)
      .bind(3, std::int64_t{a.max_binds})
      .bind(4, std::int64_t{a.throughput})
      .bind(5, std::int64_t{a.max_priority})
      .bind(6, join_commas(a.classes))
      .bind(7, a.webhook_url)
      .bind(8, a.webhook_secret)
      .bind(9, a.mo_url);
  insert.step();
  return db_->changes() == 1;
}

std::optional<account::account> sqlite_account_store::find(std::string_view system_id) {
  statement query(db_->handle(), std::string(select_columns) + " WHERE system_id = ?1");
  query.bind(1, system_id);
  if (!query.step()) return std::nullopt;
  return read_row(query);
}

std::vector<account::account> sqlite_account_store::list() {
  statement query(db_->handle(), std::string(select_columns) + " ORDER BY system_id");
  std::vector<account::account> out;
  while (query.step()) out.push_back(read_row(query));
  return out;
}

bool sqlite_account_store::remove(std::string_view system_id) {
  // The account's tokens go with it: api_tokens references accounts ON DELETE CASCADE.
  statement erase(db_->handle(), "DELETE FROM accounts WHERE system_id = ?1");
  erase.bind(1, system_id);
  erase.step();
  return db_->changes() == 1;
}

bool sqlite_account_store::set_password_hash(std::string_view system_id, const std::string& hash) {
  statement update(db_->handle(), "UPDATE accounts SET password_hash = ?2 WHERE system_id = ?1");
  update.bind(1, system_id).bind(2, hash);
  update.step();
  return db_->changes() == 1;
}

bool sqlite_account_store::set_limits(const account::account& a) {
  statement update(db_->handle(),
                   "UPDATE accounts SET max_binds = ?2, throughput = ?3, max_priority = ?4, "
                   "classes = ?5 WHERE system_id = ?1");
  update.bind(1, a.system_id)
      .bind(2, std::int64_t{a.max_binds})
      .bind(3, std::int64_t{a.throughput})
      .bind(4, std::int64_t{a.max_priority})
      .bind(5, join_commas(a.classes));
  update.step();
  return db_->changes() == 1;
}

bool sqlite_account_store::set_webhooks(std::string_view system_id, const std::string& webhook_url,
                                        const std::string& webhook_secret,
                                        const std::string& mo_url) {
  statement update(db_->handle(),
                   "UPDATE accounts SET webhook_url = ?2, webhook_secret = ?3, mo_url = ?4 "
                   "WHERE system_id = ?1");
  update.bind(1, system_id).bind(2, webhook_url).bind(3, webhook_secret).bind(4, mo_url);
  update.step();
  return db_->changes() == 1;
}

bool sqlite_account_store::add_token(const account::api_token& token) {
  // Inserting from the accounts row inserts nothing when there is no such account.
  statement insert(db_->handle(),
                   "INSERT INTO api_tokens (id, system_id, label, hash, created_at) "
                   "SELECT ?1, system_id, ?3, ?4, ?5 FROM accounts WHERE system_id = ?2");
  insert.bind(1, token.id)
      .bind(2, token.system_id)
      .bind(3, token.label)
      .bind(4, token.hash)
      .bind(5, token.created_at_unix);
  insert.step();
  return db_->changes() == 1;
}

std::vector<account::api_token> sqlite_account_store::list_tokens(
    std::optional<std::string_view> system_id) {
  statement query(db_->handle(), std::string(select_token_columns) +
                                     (system_id ? " WHERE system_id = ?1" : "") +
                                     " ORDER BY system_id, created_at, id");
  if (system_id) query.bind(1, *system_id);
  std::vector<account::api_token> out;
  while (query.step()) out.push_back(read_token(query));
  return out;
}

bool sqlite_account_store::remove_token(std::string_view token_id) {
  statement erase(db_->handle(), "DELETE FROM api_tokens WHERE id = ?1");
  erase.bind(1, token_id);
  erase.step();
  return db_->changes() == 1;
}

std::optional<account::api_token> sqlite_account_store::find_token(std::string_view hash) {
  statement query(db_->handle(), std::string(select_token_columns) + " WHERE hash = ?1");
  query.bind(1, hash);
  if (!query.step()) return std::nullopt;
  return read_token(query);
}

}  // namespace smppd::store::sqlite
