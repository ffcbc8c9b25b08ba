#pragma once
// The text module's front door: validate, decode and encode a short_message by its
// data_coding. The SMPP layer maps every error from here to ESME_RINVDCS.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace smppd::text {

// The payload is acceptable for its data_coding (contract.md, "SMPP behaviour"): GSM-7
// octets < 0x80 with 0x1B only before an extension character; ASCII octets < 0x80;
// UCS-2 even length and no lone surrogate; Latin-1, ISO-8859-5 and binary anything.
// Unsupported data_coding: errc::unsupported_data_coding.
status validate(std::uint8_t data_coding, std::span<const std::uint8_t> payload) noexcept;

// The text as UTF-8, for logs and the REST API. Fails exactly when validate fails, and
// for binary codings (2, 4) with errc::not_text: binary has no text form, and a caller
// that wants to show it anyway uses render_for_log.
result<std::string> decode_to_utf8(std::uint8_t data_coding, std::span<const std::uint8_t> payload);

// Never fails: the decoded text, or for binary and undecodable payloads "0x" and the
// payload in lower-case hex.
std::string render_for_log(std::uint8_t data_coding, std::span<const std::uint8_t> payload);

// UTF-8 to the payload for a given data_coding. Errors: invalid_utf8,
// unencodable_character, not_text (binary), unsupported_data_coding.
result<std::vector<std::uint8_t>> encode(std::uint8_t data_coding, std::string_view utf8);

struct encoded_text {
  std::uint8_t data_coding;  // dcs::gsm7 or dcs::ucs2
  std::vector<std::uint8_t> payload;
  friend bool operator==(const encoded_text&, const encoded_text&) = default;
};

// GSM-7 (unpacked, extension characters as 0x1B xx) when every character fits, else
// UCS-2/UTF-16BE. Fails only on invalid UTF-8.
result<encoded_text> encode_auto(std::string_view utf8);

}  // namespace smppd::text
