#pragma once
// data_coding 1, IA5 / ASCII: 7-bit octets, one per character.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace smppd::text::ascii {

status validate(std::span<const std::uint8_t> payload) noexcept;  // every octet < 0x80
result<std::string> decode(std::span<const std::uint8_t> payload);
result<std::vector<std::uint8_t>> encode(std::string_view utf8);  // U+0000..U+007F only

}  // namespace smppd::text::ascii
