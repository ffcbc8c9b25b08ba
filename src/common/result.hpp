#pragma once
// A value or an error code. A small stand-in for std::expected, which clang 14 with
// libstdc++ 12 lacks; the codec and text cores must build under clang for libFuzzer.

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace smppd {

template <class T>
class [[nodiscard]] result {
 public:
  result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(std::error_code error) : state_(std::in_place_index<1>, error) {}  // NOLINT
  template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
  result(E error) : state_(std::in_place_index<1>, make_error_code(error)) {}  // NOLINT

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return *std::get_if<0>(&state_);
  }
  const T& value() const& {
    assert(has_value());
    return *std::get_if<0>(&state_);
  }
  T&& value() && {
    assert(has_value());
    return std::move(*std::get_if<0>(&state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  std::error_code error() const noexcept {
    return has_value() ? std::error_code{} : *std::get_if<1>(&state_);
  }

 private:
  std::variant<T, std::error_code> state_;
};

// For operations that produce nothing but may fail.
struct ok_t {
  friend bool operator==(ok_t, ok_t) = default;
};
inline constexpr ok_t ok{};
using status = result<ok_t>;

}  // namespace smppd
