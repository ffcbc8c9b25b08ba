#pragma once
// POST /rest/mtsms as GatewayAPI's clients send it, read into plain values: a JSON object
// or an array of them, or the same fields form-encoded / in a query string. Checks what
// needs no account (types, shapes, limits, duplicates); compose.hpp applies the account.
// Pure: no I/O, so every rule is tested and fuzzed without a server.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rest/rest_error.hpp"

namespace smppd::rest {

inline constexpr std::size_t max_recipients = 10000;
// GatewayAPI's priorities, in the order of SMPP priority_flag 0-3.
inline constexpr std::array<std::string_view, 4> priority_names = {"BULK", "NORMAL", "URGENT",
                                                                   "VERY_URGENT"};

// Not empty, and only ASCII digits (an MSISDN, a numeric sender).
bool all_digits(std::string_view s);
inline constexpr std::uint32_t min_validity_s = 60;

enum class text_encoding { utf8, ucs2 };  // "UTF8": GSM 03.38 where it fits

struct sms_request {
  std::string sender;  // "" = the gateway's default sender
  std::string message;
  std::vector<std::string> recipients;  // digits only, no duplicates
  std::string message_class;            // "" = none
  std::uint8_t priority = 1;            // BULK 0, NORMAL 1, URGENT 2, VERY_URGENT 3
  std::string userref;
  std::string callback_url;
  std::optional<std::int64_t> sendtime;          // Unix seconds
  std::optional<std::uint32_t> validity_period;  // seconds
  text_encoding encoding = text_encoding::utf8;
  bool flash = false;  // destaddr "DISPLAY"
  std::string label;
  std::uint32_t max_parts = 255;
};

using parse_result = std::variant<std::vector<sms_request>, rest_error>;

// A JSON object or a non-empty array of objects.
parse_result parse_json(std::string_view body);
// Form or query fields, in order. Recipients as GatewayAPI's forms write them
// (recipients.0.msisdn=...), as a comma list (recipients=4511,4522) or repeated `msisdn`.
// `token` is the caller's business and must be taken out first.
parse_result parse_fields(const std::vector<std::pair<std::string, std::string>>& fields);

// "application/x-www-form-urlencoded" (also a query string): key=value pairs, '+' and %XX
// decoded. nullopt for a malformed %-escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_urlencoded(
    std::string_view text);

}  // namespace smppd::rest
