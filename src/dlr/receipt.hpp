#pragma once
// A delivery receipt as a value: the contract's short_message text
//   id:ID sub:001 dlvrd:NNN submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:STAT err:EEE text:REF
// formatted exactly, and parsed tolerantly (carriers vary key case, spacing, date length and
// drop fields), plus the message_state TLV mapping. No I/O, no SMPP session knowledge.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace smppd::dlr {

// The stat field (SMPP 3.4 Appendix B and the contract's list). ENROUTE and BUFFERD are
// intermediate; the others are final.
enum class receipt_status : std::uint8_t {
  enroute,
  delivrd,
  expired,
  deleted,
  undeliv,
  acceptd,
  unknown,
  rejectd,
  buffered,
};

// "DELIVRD", "BUFFERD", ...
std::string_view to_string(receipt_status status) noexcept;
// Case-insensitive; also the long forms some carriers send ("DELIVERED", "UNDELIVERABLE",
// "REJECTED", "ACCEPTED", "BUFFERED"). nullopt for anything else.
std::optional<receipt_status> parse_status(std::string_view text) noexcept;

bool is_final(receipt_status status) noexcept;
// A final state other than DELIVRD and ACCEPTD (registered_delivery 2 reports these only).
bool is_failure(receipt_status status) noexcept;

// message_state TLV (0x0427): ENROUTE/BUFFERD 1, DELIVRD 2, EXPIRED 3, DELETED 4,
// UNDELIV 5, ACCEPTD 6, UNKNOWN 7, REJECTD 8.
std::uint8_t message_state(receipt_status status) noexcept;
// 1 reads as ENROUTE; nullopt outside 1..8.
std::optional<receipt_status> from_message_state(std::uint8_t state) noexcept;

// The err field for a gateway error code: (code & 0xFFF) in base 10 (0x107E -> 126,
// 0x1013 -> 19 printed "019", 0x1902 -> 2306).
constexpr std::uint32_t err_from_gateway_error(std::uint32_t code) noexcept {
  return code & 0xFFFu;
}
// And back, as the seed describes: 0x1000 + err (0 stays 0).
constexpr std::uint32_t gateway_error_from_err(std::uint32_t err) noexcept {
  return err == 0 ? 0 : 0x1000u + err;
}

inline constexpr std::size_t max_text_chars = 20;

struct receipt {
  std::string id;                        // the submit_sm_resp message_id
  std::uint32_t sub = 1;                 // parts submitted
  std::uint32_t dlvrd = 0;               // parts delivered
  std::optional<wall_time> submit_date;  // UTC, minute precision (seconds if the text had them)
  std::optional<wall_time> done_date;
  receipt_status stat = receipt_status::unknown;
  std::uint32_t err = 0;  // see err_from_gateway_error
  std::string text;       // first 20 characters of the reference

  friend bool operator==(const receipt&, const receipt&) = default;
};

// The contract's exact text. sub and dlvrd are zero-padded to 3 digits, err to at least 3,
// dates are UTC YYMMDDhhmm (a missing date prints as 0000000000), text is cut to 20 chars.
std::string format(const receipt& r);

// Builds the receipt the gateway sends: dlvrd 001 exactly when DELIVRD, err from the gateway
// error code, text cut to its first 20 characters.
receipt make_receipt(std::string id, wall_time submit_date, wall_time done_date,
                     receipt_status stat, std::uint32_t gateway_error, std::string_view reference);

// Parses a receipt text. Tolerant: keys in any case, "submit date"/"submit_date", extra
// spaces, 10- or 12-digit dates, missing sub/dlvrd/dates/err/text, trailing NULs and spaces.
// Needs at least id and a recognised stat; nullopt otherwise.
std::optional<receipt> parse(std::string_view text);

// "YYMMDDhhmm" in UTC, and back (10 digits, or 12 with seconds); years are 2000-2099.
std::string format_date(wall_time t);
std::optional<wall_time> parse_date(std::string_view digits) noexcept;

}  // namespace smppd::dlr
