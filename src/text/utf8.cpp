#include "text/utf8.hpp"

#include <cstdint>

#include "text/errc.hpp"

namespace smppd::text::utf8 {

bool next(std::string_view in, std::size_t& pos, char32_t& out) noexcept {
  const auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(in[i]); };
  const std::size_t left = in.size() - pos;
  const std::uint8_t b0 = at(pos);
  if (b0 < 0x80) {
    out = b0;
    pos += 1;
    return true;
  }
  // Ranges from the Unicode table of well-formed byte sequences (3.9, table 3-7): the
  // second byte's bounds are what exclude overlongs, surrogates and values past U+10FFFF.
  std::size_t len = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return false;
  }
  if (left < len) return false;
  const std::uint8_t b1 = at(pos + 1);
  if (b1 < lo || b1 > hi) return false;
  cp = (cp << 6) | (b1 & 0x3F);
  for (std::size_t i = 2; i < len; ++i) {
    const std::uint8_t b = at(pos + i);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  out = cp;
  pos += len;
  return true;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {
    const char b[3] = {static_cast<char>(0xE0 | (cp >> 12)),
                       static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    const char b[4] = {
        static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

result<std::size_t> count_code_points(std::string_view in) noexcept {
  std::size_t pos = 0, count = 0;
  char32_t cp = 0;
  while (pos < in.size()) {
    if (!next(in, pos, cp)) return errc::invalid_utf8;
    ++count;
  }
  return count;
}

status validate(std::string_view in) noexcept {
  auto counted = count_code_points(in);
  if (!counted) return counted.error();
  return ok;
}

}  // namespace smppd::text::utf8
