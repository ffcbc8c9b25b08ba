#pragma once
// A thin RAII layer over one SQLite connection: open in WAL mode, run the schema
// migrations, prepare statements. Errors throw store_error (start-up, CLI) and carry
// SQLite's message.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace smppd::store::sqlite {

class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws store_error with `what` and SQLite's message for the connection's last error.
[[noreturn]] void fail(sqlite3* db, std::string_view what);

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view text);
  // True while a row is available; false when done. Throws on error.
  bool step();
  void reset();
  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class database {
 public:
  // Creates the file (and its folder) when missing, then brings the schema up to date.
  explicit database(const std::filesystem::path& file);
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  void exec(std::string_view sql);
  sqlite3* handle() const { return db_; }
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const { return sqlite3_changes(db_); }

 private:
  void migrate();
  sqlite3* db_ = nullptr;
};

}  // namespace smppd::store::sqlite
