#pragma once
// A thin RAII layer over one libpq connection: statements with text parameters, results
// that free themselves, binary COPY, LISTEN/NOTIFY, and PostgreSQL's errors mapped onto the
// store's error codes (core::errc). Not thread-safe: one owner thread per connection.

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/message_store.hpp"

namespace smppd::store::postgres {

// A failed statement: the store's error code and PostgreSQL's message.
class pg_error : public std::runtime_error {
 public:
  pg_error(std::error_code ec, const std::string& what) : std::runtime_error(what), ec_(ec) {}
  std::error_code code() const noexcept { return ec_; }

 private:
  std::error_code ec_;
};

class result {
 public:
  explicit result(PGresult* r) : r_(r, PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool null(int row, int column) const { return PQgetisnull(r_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const {
    return {PQgetvalue(r_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
  }
  std::int64_t integer(int row, int column) const;
  // A bytea column as raw octets (the statement asked for binary results).
  std::vector<std::uint8_t> octets(int row, int column) const;
  // Rows touched by an INSERT/UPDATE/DELETE.
  std::uint64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

// Rows for COPY ... FROM STDIN (FORMAT binary): network byte order, no escaping.
class copy_rows {
 public:
  copy_rows();
  void begin_row(std::int16_t fields);
  void boolean(bool v);
  void int16(std::int16_t v);
  void int32(std::int32_t v);
  void int64(std::int64_t v);
  void text(std::string_view v);
  void octets(const void* data, std::size_t size);
  void null();
  std::size_t rows() const { return rows_; }
  // The bytes with the trailer, ready to send.
  const std::vector<char>& finish();

 private:
  void raw(const void* data, std::size_t size);
  void put16(std::uint16_t v);
  void put32(std::uint32_t v);
  std::vector<char> bytes_;
  std::size_t rows_ = 0;
};

class connection {
 public:
  // Connects; throws pg_error (errc::unavailable) with libpq's message when it cannot.
  explicit connection(const std::string& url);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Runs a statement (text parameters, nullopt = NULL); throws pg_error. `binary` asks for
  // binary results (bytea columns as octets).
  result exec(std::string_view sql, const std::vector<std::optional<std::string>>& params = {},
              bool binary = false);
  // Several statements without parameters in one round trip (migrations); throws pg_error.
  void exec_script(std::string_view sql);
  // COPY table (columns) FROM STDIN binary.
  void copy_in(std::string_view table_and_columns, copy_rows& rows);

  // Waits up to `limit` for notifications on the channels LISTENed to; returns their
  // payloads (possibly none). Throws pg_error when the connection broke.
  std::vector<std::string> wait_notifications(std::chrono::milliseconds limit);

  bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  PGconn* handle() const { return conn_.get(); }

 private:
  [[noreturn]] void fail(PGresult* r, std::string_view what);
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

// The store's error code for a PostgreSQL SQLSTATE (nullptr: the connection failed).
std::error_code error_for_sqlstate(const char* sqlstate);

// A statement's text parameter for an integer.
inline std::string number(std::int64_t v) { return std::to_string(v); }

// An array literal of integers for `= ANY($1::bigint[])`.
std::string int_array(const std::vector<std::uint64_t>& values);
// An array literal of strings for `$1::text[]`.
std::string text_array(const std::vector<std::string_view>& values);

}  // namespace smppd::store::postgres
