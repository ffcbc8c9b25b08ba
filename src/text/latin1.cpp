#include "text/latin1.hpp"

#include "text/errc.hpp"
#include "text/utf8.hpp"

namespace smppd::text::latin1 {

result<std::string> decode(std::span<const std::uint8_t> payload) {
  std::string out;
  out.reserve(payload.size() * 2);
  for (const std::uint8_t b : payload) utf8::append(out, b);
  return out;
}

result<std::vector<std::uint8_t>> encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    if (!utf8::next(utf8, pos, cp)) return errc::invalid_utf8;
    if (cp > 0xFF) return errc::unencodable_character;
    out.push_back(static_cast<std::uint8_t>(cp));
  }
  return out;
}

}  // namespace smppd::text::latin1
