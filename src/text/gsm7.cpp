#include "text/gsm7.hpp"

#include <cstring>

#include "text/errc.hpp"
#include "text/gsm7_tables.hpp"
#include "text/scan.hpp"
#include "text/utf8.hpp"

namespace smppd::text::gsm7 {
namespace {

std::uint16_t code_for(char32_t cp) noexcept {
  if (cp < 0x100) return tables::from_latin[cp];
  switch (cp) {
    case 0x0394:
      return 0x10;  // Δ
    case 0x03A6:
      return 0x12;  // Φ
    case 0x0393:
      return 0x13;  // Γ
    case 0x039B:
      return 0x14;  // Λ
    case 0x03A9:
      return 0x15;  // Ω
    case 0x03A0:
      return 0x16;  // Π
    case 0x03A8:
      return 0x17;  // Ψ
    case 0x03A3:
      return 0x18;  // Σ
    case 0x0398:
      return 0x19;  // Θ
    case 0x039E:
      return 0x1A;  // Ξ
    case 0x20AC:
      return 0x1B65;  // €
    default:
      return tables::no_code;
  }
}

}  // namespace

bool is_extension(std::uint8_t septet) noexcept {
  return septet < 0x80 && tables::extension_by_septet[septet] != 0;
}

status validate(std::span<const std::uint8_t> septets) noexcept {
  const std::uint8_t* p = septets.data();
  const std::size_t n = septets.size();
  if (detail::any_high_bit(p, n)) return errc::octet_out_of_range;
  // Escapes are rare, so memchr (vectorised in libc) skips the text between them.
  const std::uint8_t* const end = p + n;
  while (p != end) {
    const void* hit = std::memchr(p, escape, static_cast<std::size_t>(end - p));
    if (hit == nullptr) break;
    p = static_cast<const std::uint8_t*>(hit);
    if (p + 1 == end) return errc::dangling_escape;
    if (!is_extension(p[1])) return errc::unknown_extension;
    p += 2;
  }
  return ok;
}

result<std::string> decode(std::span<const std::uint8_t> septets) {
  if (auto valid = validate(septets); !valid) return valid.error();
  std::string out;
  out.reserve(septets.size() + septets.size() / 2);
  for (std::size_t i = 0; i < septets.size(); ++i) {
    const std::uint8_t s = septets[i];
    if (s == escape) {
      utf8::append(out, tables::extension_by_septet[septets[++i]]);
    } else {
      utf8::append(out, tables::basic[s]);
    }
  }
  return out;
}

std::size_t septets_for(char32_t cp) noexcept {
  const std::uint16_t code = code_for(cp);
  if (code == tables::no_code) return 0;
  return code > 0xFF ? 2 : 1;
}

bool append_encoded(std::vector<std::uint8_t>& out, char32_t cp) {
  const std::uint16_t code = code_for(cp);
  if (code == tables::no_code) return false;
  if (code > 0xFF) out.push_back(escape);
  out.push_back(static_cast<std::uint8_t>(code & 0xFF));
  return true;
}

result<std::vector<std::uint8_t>> encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    const auto b = static_cast<std::uint8_t>(utf8[pos]);
    std::uint16_t code;
    if (b < 0x80) {  // most client text is ASCII: skip the UTF-8 decoder for it
      code = tables::from_latin[b];
      ++pos;
    } else {
      if (!utf8::next(utf8, pos, cp)) return errc::invalid_utf8;
      code = code_for(cp);
    }
    if (code == tables::no_code) return errc::unencodable_character;
    if (code > 0xFF) out.push_back(escape);
    out.push_back(static_cast<std::uint8_t>(code & 0xFF));
  }
  return out;
}

}  // namespace smppd::text::gsm7
