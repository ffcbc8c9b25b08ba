#include "store/sqlite/sqlite_account_store.hpp"

#include "common/comma_list.hpp"

namespace smppd::store::sqlite {
namespace {

constexpr std::string_view select_columns =
    "SELECT system_id, password_hash, max_binds, throughput, max_priority, classes FROM accounts";

account::account read_row(const statement& row) {
  account::account a;
  a.system_id = row.column_text(0);
  a.password_hash = row.column_text(1);
  a.max_binds = static_cast<std::uint32_t>(row.column_int(2));
  a.throughput = static_cast<std::uint32_t>(row.column_int(3));
  a.max_priority = static_cast<std::uint8_t>(row.column_int(4));
  a.classes = split_commas(row.column_text(5));
  return a;
}

}  // namespace

bool sqlite_account_store::add(const account::account& a) {
  statement insert(db_->handle(),
                   "INSERT INTO accounts (system_id, password_hash, max_binds, throughput, "
                   "max_priority, classes) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                   "ON CONFLICT(system_id) DO NOTHING");
  insert.bind(1, a.system_id)
      .bind(2, a.password_hash)
      .bind(3, std::int64_t{a.max_binds})
      .bind(4, std::int64_t{a.throughput})
      .bind(5, std::int64_t{a.max_priority})
      .bind(6, join_commas(a.classes));
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

}  // namespace smppd::store::sqlite
