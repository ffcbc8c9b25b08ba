#pragma once
// User Data Header (3GPP TS 23.040, 9.2.3.24) at the start of a short_message when
// esm_class has UDHI (0x40): UDHL, then information elements (IEI, IEL, data). Only the
// concatenation elements are interpreted; the others are checked for length and skipped.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace smppd::text {

inline constexpr std::uint8_t iei_concat_8bit = 0x00;   // 05 00 03 ref total seq
inline constexpr std::uint8_t iei_concat_16bit = 0x08;  // 06 08 04 ref_hi ref_lo total seq

struct concat_info {
  std::uint16_t reference = 0;  // the same in every part of one message
  std::uint8_t total = 0;       // parts in the message, 1..255
  std::uint8_t sequence = 0;    // this part, 1..total
  bool reference_16bit = false;
  friend bool operator==(const concat_info&, const concat_info&) = default;
};

// Octets a concatenation UDH takes, UDHL included.
constexpr std::size_t concat_udh_size(bool reference_16bit) noexcept {
  return reference_16bit ? 7 : 6;
}

// The UDH holding only c; an 8-bit reference keeps the low octet of c.reference.
std::vector<std::uint8_t> build_concat_udh(const concat_info& c);

struct udh_view {
  std::size_t length = 0;  // octets the header takes, UDHL included: the body starts here
  std::optional<concat_info> concat;
};

// Reads the UDH at the start of payload. Errors: udh_length_out_of_range (no UDHL, or the
// header runs past the payload), udh_element_truncated (an IE runs past the header),
// invalid_concat_element (wrong IEL, total 0, sequence 0 or above total). A repeated
// concatenation IE: the last one counts, as 23.040 says for repeated IEs.
result<udh_view> parse_udh(std::span<const std::uint8_t> payload) noexcept;

}  // namespace smppd::text
