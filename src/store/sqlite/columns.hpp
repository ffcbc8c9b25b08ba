#pragma once
// Rows from records and back, driven by the records' field lists (`visit`), so a field is
// named once: the column list, the placeholders, the binder and the reader all come from it.
// Column names are the field names; the schema (database.cpp) must have each of them,
// which store_test checks.

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/clock.hpp"

namespace smppd::store::sqlite {

inline std::int64_t to_ms(wall_time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline wall_time from_ms(std::int64_t ms) { return wall_time(std::chrono::milliseconds(ms)); }

// "a, b, c" for Record's fields, without `skip` (a column the database fills itself).
template <class Record>
std::string column_list(std::string_view skip = {}) {
  std::string out;
  Record r{};
  Record::visit(r, [&](std::string_view name, const auto&) {
    if (name == skip) return;
    if (!out.empty()) out += ", ";
    out += name;
  });
  return out;
}

// "?,?,?" with one placeholder per column of column_list<Record>(skip).
template <class Record>
std::string placeholders(std::string_view skip = {}) {
  std::string out;
  Record r{};
  Record::visit(r, [&](std::string_view name, const auto&) {
    if (name == skip) return;
    out += out.empty() ? "?" : ",?";
  });
  return out;
}

// Binds values to consecutive parameters, remembering the first failure. Text and blobs are
// bound SQLITE_STATIC: the caller keeps them alive until the statement has run.
class binder {
 public:
  explicit binder(sqlite3_stmt* s) : s_(s) {}

  template <class T>
  binder& operator()(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      return check(sqlite3_bind_int64(s_, ++n_, v ? 1 : 0));
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
      return check(sqlite3_bind_int64(s_, ++n_, static_cast<std::int64_t>(v)));
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
      return check(sqlite3_bind_text(s_, ++n_, v.empty() ? "" : v.data(),
                                     static_cast<int>(v.size()), SQLITE_STATIC));
    } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {  // empty = NULL
      return check(v.empty() ? sqlite3_bind_null(s_, ++n_)
                             : sqlite3_bind_blob(s_, ++n_, v.data(), static_cast<int>(v.size()),
                                                 SQLITE_STATIC));
    } else if constexpr (std::is_same_v<T, wall_time>) {
      return check(sqlite3_bind_int64(s_, ++n_, to_ms(v)));
    } else {
      static_assert(std::is_same_v<T, std::optional<wall_time>>, "no column type for this field");
      return check(v ? sqlite3_bind_int64(s_, ++n_, to_ms(*v)) : sqlite3_bind_null(s_, ++n_));
    }
  }
  // Every field of `record` but `skip`, in field-list order.
  template <class Record>
  binder& record(const Record& r, std::string_view skip = {}) {
    Record::visit(r, [&](std::string_view name, const auto& v) {
      if (name != skip) (*this)(v);
    });
    return *this;
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

// Reads consecutive columns of the current row.
class reader {
 public:
  explicit reader(sqlite3_stmt* s) : s_(s) {}

  template <class T>
  void operator()(T& v) {
    const int n = n_++;
    if constexpr (std::is_same_v<T, bool>) {
      v = sqlite3_column_int64(s_, n) != 0;
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
      v = static_cast<T>(sqlite3_column_int64(s_, n));
    } else if constexpr (std::is_same_v<T, std::string>) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, n));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s_, n));
      v = p ? std::string(p, size) : std::string();
    } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
      const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, n));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s_, n));
      v = p ? std::vector<std::uint8_t>(p, p + size) : std::vector<std::uint8_t>();
    } else if constexpr (std::is_same_v<T, wall_time>) {
      v = from_ms(sqlite3_column_int64(s_, n));
    } else {
      static_assert(std::is_same_v<T, std::optional<wall_time>>, "no column type for this field");
      if (sqlite3_column_type(s_, n) == SQLITE_NULL) {
        v.reset();
      } else {
        v = from_ms(sqlite3_column_int64(s_, n));
      }
    }
  }
  template <class T>
  T get() {
    T v{};
    (*this)(v);
    return v;
  }
  // A whole record from columns in column_list<Record>() order.
  template <class Record>
  Record record() {
    Record r{};
    Record::visit(r, [&](std::string_view, auto& v) { (*this)(v); });
    return r;
  }

 private:
  sqlite3_stmt* s_;
  int n_ = 0;
};

}  // namespace smppd::store::sqlite
