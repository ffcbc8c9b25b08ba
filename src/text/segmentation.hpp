#pragma once
// How a payload is cut into concatenated SMS parts, in the units of its data_coding
// (data_coding.hpp): GSM-7 160 septets alone / 153 per part, 8-bit 140 / 134 octets,
// UCS-2 70 / 67 code units (one fewer per part with a 16-bit reference). A GSM-7 escape
// pair and a UTF-16 surrogate pair are never split: a part ends one unit early instead.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"
#include "text/udh.hpp"

namespace smppd::text {

inline constexpr std::size_t max_parts = 255;  // the total field is one octet

// Parts the payload needs: 1 when it fits in one message (an empty payload too).
// Errors: those of validate(), too_many_parts.
result<std::size_t> count_parts(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                                bool reference_16bit = false) noexcept;

struct split_options {
  std::uint16_t reference = 0;   // concatenation reference, the same in every part
  bool reference_16bit = false;  // IEI 0x08 instead of 0x00
};

struct part {
  std::vector<std::uint8_t> udh;       // empty for a single message; else set UDHI (0x40)
  std::span<const std::uint8_t> body;  // a slice of the payload given to split
};

// The parts, in order, each with its concatenation UDH (short_message = udh + body).
// The bodies point into payload, which must outlive them. Same errors as count_parts.
result<std::vector<part>> split(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                                split_options options = {});

}  // namespace smppd::text
