#pragma once
// Field types whose limits are part of the type, so an over-long value cannot be encoded.
// Storage is inline (no heap) because a submit_sm is decoded on every message.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "smpp/command_status.hpp"

namespace smppd::smpp {

// A field's spec name in a `visit` list, with the command_status that decode answers when
// the field breaks its size limit (a C-octet string without its NUL in time, a time of the
// wrong length, a list too long). SMPP 3.4 names a status for most string fields; for the
// rest (address_range, esme_addr, final_date, no_unsuccess) it is silent and we answer
// ESME_RINVPARLEN, "invalid parameter length". Visitors that want only the name take a
// `const char*`, so a plain literal and a field_name both fit every visitor.
struct field_name {
  // Implicit both ways: a bare "name" in a field list is the common case.
  constexpr field_name(const char* spec_name,
                       command_status status = command_status::esme_rinvparlen) noexcept
      : name(spec_name), too_long(status) {}
  constexpr operator const char*() const noexcept { return name; }

  const char* name;
  command_status too_long;
};

// A C-octet string (SMPP 3.4 section 3.1): ASCII characters ended by a NUL. N is the spec's
// maximum size including the NUL, so `c_octet_string<21>` holds at most 20 characters.
template <std::size_t N>
class c_octet_string {
  static_assert(N >= 1 && N <= 256);

 public:
  static constexpr std::size_t max_size = N;      // on the wire, NUL included
  static constexpr std::size_t capacity = N - 1;  // characters

  constexpr c_octet_string() noexcept = default;

  // From a literal: the limit is checked at compile time.
  template <std::size_t M>
  requires(M <= N) constexpr c_octet_string(
      const char (&literal)[M]) noexcept {  // NOLINT: implicit by design
    std::size_t n = 0;
    while (n + 1 < M && literal[n] != '\0') {
      data_[n] = literal[n];
      ++n;
    }
    size_ = static_cast<std::uint16_t>(n);
  }

  // False (and unchanged) when `text` is too long or holds a NUL, which cannot be encoded.
  bool assign(std::string_view text) noexcept {
    if (text.size() > capacity || text.find('\0') != std::string_view::npos) return false;
    std::copy(text.begin(), text.end(), data_.begin());
    size_ = static_cast<std::uint16_t>(text.size());
    return true;
  }
  void clear() noexcept { size_ = 0; }

  std::string_view view() const noexcept { return {data_.data(), size_}; }
  const char* data() const noexcept { return data_.data(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  friend bool operator==(const c_octet_string& a, const c_octet_string& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const c_octet_string& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  // Without this, a literal could convert either way and the comparison would be ambiguous.
  friend bool operator==(const c_octet_string& a, const char* b) noexcept {
    return a.view() == std::string_view(b);
  }

 private:
  std::array<char, N - 1> data_{};
  std::uint16_t size_ = 0;
};

// schedule_delivery_time, validity_period, final_date (section 7.1): either empty (a lone
// NUL) or exactly 16 characters plus the NUL. The format itself is checked by validation.
class time_string {
 public:
  static constexpr std::size_t max_size = 17;
  static constexpr std::size_t length = 16;

  constexpr time_string() noexcept = default;

  template <std::size_t M>
  requires(M == 1 || M == length + 1) constexpr time_string(
      const char (&literal)[M]) noexcept {  // NOLINT: implicit by design
    for (std::size_t i = 0; i + 1 < M; ++i) data_[i] = literal[i];
    size_ = static_cast<std::uint8_t>(M - 1);
  }

  // False (and unchanged) unless `text` is empty or 16 characters without NUL.
  bool assign(std::string_view text) noexcept {
    if ((text.size() != 0 && text.size() != length) || text.find('\0') != std::string_view::npos) {
      return false;
    }
    std::copy(text.begin(), text.end(), data_.begin());
    size_ = static_cast<std::uint8_t>(text.size());
    return true;
  }
  void clear() noexcept { size_ = 0; }

  std::string_view view() const noexcept { return {data_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  friend bool operator==(const time_string& a, const time_string& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const time_string& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  // Without this, a literal could convert either way and the comparison would be ambiguous.
  friend bool operator==(const time_string& a, const char* b) noexcept {
    return a.view() == std::string_view(b);
  }

 private:
  std::array<char, length> data_{};
  std::uint8_t size_ = 0;
};

// An octet string preceded on the wire by a one-octet length, as short_message is preceded
// by sm_length: the length is derived from the content and never stored separately.
template <std::size_t N>
class octet_string {
  static_assert(N <= 255);

 public:
  static constexpr std::size_t capacity = N;

  constexpr octet_string() noexcept = default;

  // False (and unchanged) when longer than N.
  bool assign(std::span<const std::uint8_t> bytes) noexcept {
    if (bytes.size() > N) return false;
    if (!bytes.empty()) std::memcpy(data_.data(), bytes.data(), bytes.size());
    size_ = static_cast<std::uint8_t>(bytes.size());
    return true;
  }
  bool assign(std::string_view text) noexcept {
    return assign(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                                text.size()));
  }
  void clear() noexcept { size_ = 0; }

  std::span<const std::uint8_t> bytes() const noexcept { return {data_.data(), size_}; }
  std::string_view view() const noexcept {
    return {reinterpret_cast<const char*>(data_.data()), size_};
  }
  const std::uint8_t* data() const noexcept { return data_.data(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  friend bool operator==(const octet_string& a, const octet_string& b) noexcept {
    return a.view() == b.view();
  }

 private:
  std::array<std::uint8_t, N> data_{};
  std::uint8_t size_ = 0;
};

// short_message: sm_length is 0..254 octets (section 4.4.1); 255 is not allowed.
using short_message_string = octet_string<254>;

// A list preceded on the wire by a one-octet count (number_of_dests, no_unsuccess), with at
// most Max elements. Heap storage: these lists occur only in submit_multi and its response.
template <class T, std::size_t Max>
class bounded_list {
  static_assert(Max <= 255);

 public:
  static constexpr std::size_t max_count = Max;
  using value_type = T;
  using const_iterator = typename std::vector<T>::const_iterator;
  using iterator = typename std::vector<T>::iterator;

  // False (and unchanged) when the list is full.
  bool push_back(T value) {
    if (items_.size() >= Max) return false;
    items_.push_back(std::move(value));
    return true;
  }
  void clear() noexcept { items_.clear(); }

  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T& operator[](std::size_t i) { return items_[i]; }
  iterator begin() noexcept { return items_.begin(); }
  iterator end() noexcept { return items_.end(); }
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }

  friend bool operator==(const bounded_list&, const bounded_list&) = default;

 private:
  std::vector<T> items_;
};

}  // namespace smppd::smpp
