#pragma once
// Hex for test bytes, in both directions.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smppd::test_support {

// {0xE8, 0x32} -> "e832".
inline std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
  return out;
}

// "E8 32 9b" -> {0xE8, 0x32, 0x9B}; spaces are skipped. Throws std::invalid_argument on a
// non-hex digit or an odd count of digits: a typo in test input must not pass quietly.
inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("not a hex digit");
  };
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  int pending = -1;
  for (const char c : hex) {
    if (c == ' ') continue;
    if (pending < 0) {
      pending = nibble(c);
    } else {
      out.push_back(static_cast<std::uint8_t>(pending << 4 | nibble(c)));
      pending = -1;
    }
  }
  if (pending >= 0) throw std::invalid_argument("odd hex length");
  return out;
}

}  // namespace smppd::test_support
