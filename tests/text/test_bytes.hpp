#pragma once
// Small helpers shared by the text tests: byte vectors from hex and repeated octets.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace smppd::text::test {

using bytes = std::vector<std::uint8_t>;

// "E8 32 9b" -> {0xE8, 0x32, 0x9B}; spaces are ignored.
inline bytes hex(std::string_view text) {
  const auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    return static_cast<std::uint8_t>(c - 'A' + 10);
  };
  bytes out;
  int pending = -1;
  for (const char c : text) {
    if (c == ' ') continue;
    if (pending < 0) {
      pending = nibble(c);
    } else {
      out.push_back(static_cast<std::uint8_t>((pending << 4) | nibble(c)));
      pending = -1;
    }
  }
  return out;
}

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
