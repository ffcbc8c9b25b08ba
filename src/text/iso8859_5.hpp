#pragma once
// data_coding 6, ISO-8859-5 (Latin/Cyrillic). 0x00-0xA0 are the same code points;
// 0xA1-0xFF are mostly Cyrillic at U+0401-U+045F, with four exceptions (see .cpp).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace smppd::text::iso8859_5 {

char32_t to_unicode(std::uint8_t octet) noexcept;

// The octet for a code point, or -1 when ISO-8859-5 has none.
int from_unicode(char32_t cp) noexcept;

result<std::string> decode(std::span<const std::uint8_t> payload);  // never fails
result<std::vector<std::uint8_t>> encode(std::string_view utf8);

}  // namespace smppd::text::iso8859_5
