#include "text/codec.hpp"

#include <utility>

#include "text/ascii.hpp"
#include "text/data_coding.hpp"
#include "text/errc.hpp"
#include "text/gsm7.hpp"
#include "text/iso8859_5.hpp"
#include "text/latin1.hpp"
#include "text/ucs2.hpp"

namespace smppd::text {

status validate(std::uint8_t data_coding, std::span<const std::uint8_t> payload) noexcept {
  const auto info = lookup(data_coding);
  if (!info) return info.error();
  switch (info->alpha) {
    case alphabet::gsm7:
      return gsm7::validate(payload);
    case alphabet::ascii:
      return ascii::validate(payload);
    case alphabet::ucs2:
      return ucs2::validate(payload);
    case alphabet::binary:
    case alphabet::latin1:
    case alphabet::iso8859_5:
      return ok;  // every octet is a character or data
  }
  return errc::unsupported_data_coding;
}

result<std::string> decode_to_utf8(std::uint8_t data_coding,
                                   std::span<const std::uint8_t> payload) {
  const auto info = lookup(data_coding);
  if (!info) return info.error();
  switch (info->alpha) {
    case alphabet::gsm7:
      return gsm7::decode(payload);
    case alphabet::ascii:
      return ascii::decode(payload);
    case alphabet::ucs2:
      return ucs2::decode(payload);
    case alphabet::latin1:
      return latin1::decode(payload);
    case alphabet::iso8859_5:
      return iso8859_5::decode(payload);
    case alphabet::binary:
      return errc::not_text;
  }
  return errc::unsupported_data_coding;
}

std::string render_for_log(std::uint8_t data_coding, std::span<const std::uint8_t> payload) {
  if (auto text = decode_to_utf8(data_coding, payload)) return std::move(*text);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "0x";
  out.reserve(2 + payload.size() * 2);
  for (const std::uint8_t b : payload) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0F]);
  }
  return out;
}

result<std::vector<std::uint8_t>> encode(std::uint8_t data_coding, std::string_view utf8) {
  const auto info = lookup(data_coding);
  if (!info) return info.error();
  switch (info->alpha) {
    case alphabet::gsm7:
      return gsm7::encode(utf8);
    case alphabet::ascii:
      return ascii::encode(utf8);
    case alphabet::ucs2:
      return ucs2::encode(utf8);
    case alphabet::latin1:
      return latin1::encode(utf8);
    case alphabet::iso8859_5:
      return iso8859_5::encode(utf8);
    case alphabet::binary:
      return errc::not_text;
  }
  return errc::unsupported_data_coding;
}

result<encoded_text> encode_auto(std::string_view utf8) {
  // GSM-7 first; the first character it cannot carry means UCS-2 for the whole text (an
  // SMS has one data_coding). Invalid UTF-8 fails either way.
  auto septets = gsm7::encode(utf8);
  if (septets) return encoded_text{dcs::gsm7, std::move(*septets)};
  if (septets.error() != errc::unencodable_character) return septets.error();
  auto wide = ucs2::encode(utf8);
  if (!wide) return wide.error();
  return encoded_text{dcs::ucs2, std::move(*wide)};
}

}  // namespace smppd::text
