#pragma once
// data_coding 8 and 0x18. SMPP calls it UCS-2 big-endian; handsets and SMSCs send
// surrogate pairs in it, so it is read and written as UTF-16BE.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace smppd::text::ucs2 {

constexpr bool is_high_surrogate(std::uint16_t u) noexcept { return u >= 0xD800 && u <= 0xDBFF; }
constexpr bool is_low_surrogate(std::uint16_t u) noexcept { return u >= 0xDC00 && u <= 0xDFFF; }

// Even length; every high surrogate followed by a low one, no low surrogate alone.
status validate(std::span<const std::uint8_t> payload) noexcept;

// To UTF-8, joining surrogate pairs; fails exactly when validate fails.
result<std::string> decode(std::span<const std::uint8_t> payload);

// From UTF-8 to UTF-16BE, astral characters as surrogate pairs. Fails only on invalid UTF-8.
result<std::vector<std::uint8_t>> encode(std::string_view utf8);

// Appends the UTF-16BE form of a scalar value.
void append_encoded(std::vector<std::uint8_t>& out, char32_t cp);

}  // namespace smppd::text::ucs2
