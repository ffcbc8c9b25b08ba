#include "text/iso8859_5.hpp"

#include "text/errc.hpp"
#include "text/utf8.hpp"

namespace smppd::text::iso8859_5 {

char32_t to_unicode(std::uint8_t octet) noexcept {
  // The upper half follows U+0400 + (octet - 0xA0), except where the standard keeps
  // the Latin-1 soft hyphen and section sign and puts the numero sign.
  switch (octet) {
    case 0xAD:
      return 0x00AD;  // soft hyphen
    case 0xF0:
      return 0x2116;  // №
    case 0xFD:
      return 0x00A7;  // §
    default:
      return octet <= 0xA0 ? char32_t{octet} : char32_t{0x0400u + (octet - 0xA0u)};
  }
}

int from_unicode(char32_t cp) noexcept {
  if (cp <= 0xA0) return static_cast<int>(cp);
  switch (cp) {
    case 0x00AD:
      return 0xAD;
    case 0x2116:
      return 0xF0;
    case 0x00A7:
      return 0xFD;
    default:
      break;
  }
  // U+0400 (Ѐ), U+040D (Ѝ) and U+0450 (ѐ), U+045D (ѝ) sit where the exceptions are.
  if (cp >= 0x0401 && cp <= 0x045F && cp != 0x040D && cp != 0x0450 && cp != 0x045D) {
    return static_cast<int>(cp - 0x0400 + 0xA0);
  }
  return -1;
}

result<std::string> decode(std::span<const std::uint8_t> payload) {
  std::string out;
  out.reserve(payload.size() * 2);
  for (const std::uint8_t b : payload) utf8::append(out, to_unicode(b));
  return out;
}

result<std::vector<std::uint8_t>> encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    if (!utf8::next(utf8, pos, cp)) return errc::invalid_utf8;
    const int octet = from_unicode(cp);
    if (octet < 0) return errc::unencodable_character;
    out.push_back(static_cast<std::uint8_t>(octet));
  }
  return out;
}

}  // namespace smppd::text::iso8859_5
