#pragma once
// Small helpers shared by the text tests: repeated octets and code units (hex is in
// tests/support).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "support/hex.hpp"

namespace smppd::text::test {

using bytes = std::vector<std::uint8_t>;

using test_support::from_hex;

inline bytes repeat(std::uint8_t octet, std::size_t count) { return bytes(count, octet); }

// count UCS-2 code units of one BMP character.
inline bytes repeat_unit(std::uint16_t unit, std::size_t count) {
  bytes out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(static_cast<std::uint8_t>(unit >> 8));
    out.push_back(static_cast<std::uint8_t>(unit & 0xFF));
  }
  return out;
}

inline bytes concat(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace smppd::text::test
