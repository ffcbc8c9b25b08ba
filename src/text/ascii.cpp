#include "text/ascii.hpp"

#include "text/errc.hpp"
#include "text/scan.hpp"
#include "text/utf8.hpp"

namespace smppd::text::ascii {

status validate(std::span<const std::uint8_t> payload) noexcept {
  if (detail::any_high_bit(payload.data(), payload.size())) return errc::octet_out_of_range;
  return ok;
}

result<std::string> decode(std::span<const std::uint8_t> payload) {
  if (auto valid = validate(payload); !valid) return valid.error();
  return std::string(payload.begin(), payload.end());  // ASCII is already UTF-8
}

result<std::vector<std::uint8_t>> encode(std::string_view utf8) {
  std::vector<std::uint8_t> out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    if (!utf8::next(utf8, pos, cp)) return errc::invalid_utf8;
    if (cp >= 0x80) return errc::unencodable_character;
    out.push_back(static_cast<std::uint8_t>(cp));
  }
  return out;
}

}  // namespace smppd::text::ascii
