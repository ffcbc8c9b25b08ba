#include "text/ucs2.hpp"

#include "text/errc.hpp"
#include "text/scan.hpp"
#include "text/utf8.hpp"

namespace smppd::text::ucs2 {
namespace {

std::uint16_t unit_at(const std::uint8_t* p, std::size_t i) noexcept {
  return static_cast<std::uint16_t>((p[2 * i] << 8) | p[2 * i + 1]);
}

void push_unit(std::vector<std::uint8_t>& out, std::uint32_t u) {
  out.push_back(static_cast<std::uint8_t>(u >> 8));
  out.push_back(static_cast<std::uint8_t>(u & 0xFF));
}

}  // namespace

status validate(std::span<const std::uint8_t> payload) noexcept {
  if (payload.size() % 2 != 0) return errc::odd_length;
  const std::uint8_t* p = payload.data();
  const std::size_t units = payload.size() / 2;
  std::size_t i = 0;
  // Surrogates are rare outside emoji; skip the runs without any at word speed.
  while ((i = detail::find_surrogate_be(p, units, i)) != units) {
    if (!is_high_surrogate(unit_at(p, i))) return errc::lone_surrogate;
    if (i + 1 == units || !is_low_surrogate(unit_at(p, i + 1))) return errc::lone_surrogate;
    i += 2;
  }
  return ok;
}

result<std::string> decode(std::span<const std::uint8_t> payload) {
  if (auto valid = validate(payload); !valid) return valid.error();
  const std::uint8_t* p = payload.data();
  const std::size_t units = payload.size() / 2;
  std::string out;
  out.reserve(payload.size() + units);
  for (std::size_t i = 0; i < units; ++i) {
    const std::uint16_t u = unit_at(p, i);
    if (is_high_surrogate(u)) {
      const std::uint16_t low = unit_at(p, ++i);
      utf8::append(out, 0x10000 + ((char32_t{u} - 0xD800) << 10) + (low - 0xDC00));
    } else {
      utf8::append(out, u);
    }
  }
  return out;
}

void append_encoded(std::vector<std::uint8_t>& out, char32_t cp) {
  if (cp < 0x10000) {
    push_unit(out, cp);
  } else {
    const std::uint32_t v = cp - 0x10000;
    push_unit(out, 0xD800 + (v >> 10));
    push_unit(out, 0xDC00 + (v & 0x3FF));
  }
}

result<std::vector<std::uint8_t>> encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size() * 2);
  std::size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    const auto b = static_cast<std::uint8_t>(utf8[pos]);
    if (b < 0x80) {  // ASCII needs no UTF-8 decoding
      out.push_back(0);
      out.push_back(b);
      ++pos;
      continue;
    }
    if (!utf8::next(utf8, pos, cp)) return errc::invalid_utf8;
    append_encoded(out, cp);
  }
  return out;
}

}  // namespace smppd::text::ucs2
