#include "store/postgres/connection.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <poll.h>

#include <cstring>

namespace smppd::store::postgres {
namespace {

// libpq's messages span lines (a hint on the next one): one line for the log and exit 2.
std::string trimmed(const char* message) {
  std::string s;
  for (const char* p = message ? message : ""; *p; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == '\r';
    if (space && (s.empty() || s.back() == ' ')) continue;
    s += space ? ' ' : *p;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::error_code error_for_sqlstate(const char* sqlstate) {
  using core::errc;
  if (sqlstate == nullptr) return errc::unavailable;
  const std::string_view s(sqlstate);
  if (s == "23505") return errc::duplicate;             // unique_violation
  if (s == "53100" || s == "53200") return errc::full;  // disk_full, out_of_memory
  if (s == "25006") return errc::read_only;             // read_only_sql_transaction (a standby)
  if (s.starts_with("40") || s.starts_with("55")) return errc::busy;  // serialization, locks
  if (s.starts_with("58")) return errc::io;
  if (s.starts_with("XX")) return errc::corrupt;
  return errc::unavailable;
}

std::string int_array(const std::vector<std::uint64_t>& values) {
  std::string out = "{";
  for (const auto v : values) {
    if (out.size() > 1) out += ',';
    out += std::to_string(v);
  }
  out += '}';
  return out;
}

std::string text_array(const std::vector<std::string_view>& values) {
  std::string out = "{";
  for (const auto v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// ---- result ---------------------------------------------------------------------------

std::int64_t result::integer(int row, int column) const {
  const char* v = PQgetvalue(r_.get(), row, column);
  if (PQfformat(r_.get(), column) == 1) {
    // Binary: int8, int4 or int2 in network order.
    const int len = PQgetlength(r_.get(), row, column);
    std::int64_t out = 0;
    for (int i = 0; i < len; ++i) out = (out << 8) | static_cast<unsigned char>(v[i]);
    if (len == 4) out = static_cast<std::int32_t>(out);
    if (len == 2) out = static_cast<std::int16_t>(out);
    return out;
  }
  return std::strtoll(v, nullptr, 10);
}

std::vector<std::uint8_t> result::octets(int row, int column) const {
  const auto* v = reinterpret_cast<const std::uint8_t*>(PQgetvalue(r_.get(), row, column));
  return {v, v + PQgetlength(r_.get(), row, column)};
}

std::uint64_t result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return (n && *n) ? std::strtoull(n, nullptr, 10) : 0;
}

// ---- copy_rows ------------------------------------------------------------------------

copy_rows::copy_rows() {
  static constexpr char signature[] = "PGCOPY\n\377\r\n";  // + its terminating NUL: 11 octets
  raw(signature, 11);
  put32(0);  // flags
  put32(0);  // header extension length
}

void copy_rows::raw(const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  bytes_.insert(bytes_.end(), p, p + size);
}

void copy_rows::put16(std::uint16_t v) {
  const auto n = htons(v);
  raw(&n, 2);
}

void copy_rows::put32(std::uint32_t v) {
  const auto n = htonl(v);
  raw(&n, 4);
}

void copy_rows::begin_row(std::int16_t fields) {
  ++rows_;
  put16(static_cast<std::uint16_t>(fields));
}

// Every field is its length, then its value.
void copy_rows::boolean(bool v) {
  put32(1);
  const char octet = v ? 1 : 0;
  raw(&octet, 1);
}

void copy_rows::int16(std::int16_t v) {
  put32(2);
  put16(static_cast<std::uint16_t>(v));
}

void copy_rows::int32(std::int32_t v) {
  put32(4);
  put32(static_cast<std::uint32_t>(v));
}

void copy_rows::int64(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  put32(8);
  put32(static_cast<std::uint32_t>(u >> 32));
  put32(static_cast<std::uint32_t>(u & 0xFFFFFFFFu));
}

void copy_rows::text(std::string_view v) { octets(v.data(), v.size()); }

void copy_rows::octets(const void* data, std::size_t size) {
  put32(static_cast<std::uint32_t>(size));
  raw(data, size);
}

void copy_rows::null() { put32(0xFFFFFFFFu); }  // length -1

const std::vector<char>& copy_rows::finish() {
  put16(0xFFFFu);  // the trailer: a field count of -1
  return bytes_;
}

// ---- connection -----------------------------------------------------------------------

namespace {
// The URL's own settings win over these defaults (they come later).
PGconn* open(const std::string& url) {
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"3", "smppd", url.c_str(), nullptr};
  return PQconnectdbParams(keys, values, 1);
}
}  // namespace

connection::connection(const std::string& url) : conn_(open(url), PQfinish) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    throw pg_error(core::errc::unavailable,
                   "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_.get())));
  }
  // Notices (e.g. "relation already exists, skipping") are not for the operator's log.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

void connection::fail(PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
  if (message.empty()) message = trimmed(PQerrorMessage(conn_.get()));
  auto ec = PQstatus(conn_.get()) == CONNECTION_OK ? error_for_sqlstate(state)
                                                   : std::error_code(core::errc::unavailable);
  if (r) PQclear(r);
  throw pg_error(ec, fmt::format("{}: {}", what, message));
}

result connection::exec(std::string_view sql, const std::vector<std::optional<std::string>>& params,
                        bool binary) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string text(sql);
  PGresult* r = PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, binary ? 1 : 0);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail(r, text.substr(0, text.find(' ', 16)));
  }
  return result(r);
}

void connection::exec_script(std::string_view sql) {
  const std::string text(sql);
  PGresult* r = PQexec(conn_.get(), text.c_str());
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "schema");
  PQclear(r);
}

void connection::copy_in(std::string_view table_and_columns, copy_rows& rows) {
  const std::string sql = fmt::format("COPY {} FROM STDIN (FORMAT binary)", table_and_columns);
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  if (!r || PQresultStatus(r) != PGRES_COPY_IN) fail(r, sql);
  PQclear(r);
  const auto& bytes = rows.finish();
  if (PQputCopyData(conn_.get(), bytes.data(), static_cast<int>(bytes.size())) != 1 ||
      PQputCopyEnd(conn_.get(), nullptr) != 1) {
    fail(nullptr, sql);
  }
  PGresult* done = PQgetResult(conn_.get());
  const bool ok = done && PQresultStatus(done) == PGRES_COMMAND_OK;
  // Drain: a COPY ends with exactly one result, then null.
  while (PGresult* more = PQgetResult(conn_.get())) PQclear(more);
  if (!ok) fail(done, sql);
  PQclear(done);
}

std::vector<std::string> connection::wait_notifications(std::chrono::milliseconds limit) {
  std::vector<std::string> out;
  const auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn_.get())) {
      out.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
  };
  drain();
  if (!out.empty()) return out;
  pollfd p{PQsocket(conn_.get()), POLLIN, 0};
  if (p.fd < 0) fail(nullptr, "wait for notifications");
  if (::poll(&p, 1, static_cast<int>(limit.count())) > 0) {
    if (PQconsumeInput(conn_.get()) != 1) fail(nullptr, "wait for notifications");
    drain();
  }
  if (PQstatus(conn_.get()) != CONNECTION_OK) fail(nullptr, "wait for notifications");
  return out;
}

}  // namespace smppd::store::postgres
