#pragma once
// data_coding 3, ISO-8859-1: each octet is the code point of the same value.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace smppd::text::latin1 {

// Every octet is a character, so decoding cannot fail; result<> keeps the shape of the
// other alphabets.
result<std::string> decode(std::span<const std::uint8_t> payload);
result<std::vector<std::uint8_t>> encode(std::string_view utf8);  // U+0000..U+00FF only

}  // namespace smppd::text::latin1
