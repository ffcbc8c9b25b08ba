#pragma once
// Test bytes written as the spec lays them out: hex groups ("00000010", "0a", "0204") and
// quoted ASCII ('hello', no NUL implied); spaces and '|' separate, nothing else is allowed.
// Shared by the smpp and dlr tests.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/codec.hpp"
#include "support/hex.hpp"

namespace smppd::smpp::test {

using test_support::to_hex;

inline std::vector<std::uint8_t> wire(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::size_t i = 0;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '|' || c == '\n') {
      ++i;
    } else if (c == '\'') {
      const std::size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) ADD_FAILURE() << "unterminated quote in wire()";
      for (std::size_t j = i + 1; j < close; ++j) out.push_back(static_cast<std::uint8_t>(text[j]));
      i = close + 1;
    } else {
      const int hi = nibble(c);
      const int lo = i + 1 < text.size() ? nibble(text[i + 1]) : -1;
      if (hi < 0 || lo < 0) {
        ADD_FAILURE() << "bad wire() text at " << i << ": " << text.substr(i);
        return out;
      }
      out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

// Rewrites command_length after a test edits a frame's body.
inline void fix_length(std::vector<std::uint8_t>& frame) {
  const auto n = static_cast<std::uint32_t>(frame.size());
  frame[0] = static_cast<std::uint8_t>(n >> 24);
  frame[1] = static_cast<std::uint8_t>(n >> 16);
  frame[2] = static_cast<std::uint8_t>(n >> 8);
  frame[3] = static_cast<std::uint8_t>(n);
}

// `wire("...") | with_length` fills in command_length, for frames whose length is incidental.
struct with_length_t {};
inline constexpr with_length_t with_length{};
inline std::vector<std::uint8_t> operator|(std::vector<std::uint8_t> frame, with_length_t) {
  fix_length(frame);
  return frame;
}

inline decode_error decode_failure(const std::vector<std::uint8_t>& frame) {
  decode_result result = decode(frame);
  if (result) {
    ADD_FAILURE() << "decoded unexpectedly: " << to_string(*result);
    return {};
  }
  return result.error();
}

}  // namespace smppd::smpp::test
