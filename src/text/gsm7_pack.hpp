#pragma once
// GSM 03.38 (3GPP TS 23.038, 6.1.2.1) 7-bit packing: septets laid LSB-first into octets.
// SMPP carries GSM-7 unpacked; packing is for the air interface and for carriers that want
// TP-UD as is. After a UDH the first septet starts on a septet boundary counted from the
// start of TP-UD, hence fill bits between the header and the text.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace smppd::text::gsm7 {

// Fill bits after a UDH of udh_octets (UDHL included): 6 octets -> 1, 7 octets -> 0.
constexpr unsigned fill_bits_after_udh(std::size_t udh_octets) noexcept {
  return static_cast<unsigned>((7 - (udh_octets * 8) % 7) % 7);
}

// Octets that fill_bits plus septet_count septets take (no octets for no septets).
constexpr std::size_t packed_size(std::size_t septet_count, unsigned fill_bits = 0) noexcept {
  return septet_count == 0 ? 0 : (fill_bits + 7 * septet_count + 7) / 8;
}

// Packs septets after fill_bits zero bits. Errors: invalid_fill_bits (> 6),
// octet_out_of_range (a value >= 0x80).
result<std::vector<std::uint8_t>> pack_septets(std::span<const std::uint8_t> septets,
                                               unsigned fill_bits = 0);

// Reads septet_count septets after fill_bits bits. The count is needed because 7 spare
// bits at the end look like a trailing '@' (TP-UDL carries it on the air). Errors:
// invalid_fill_bits, septet_count_out_of_range (more than the octets hold).
result<std::vector<std::uint8_t>> unpack_septets(std::span<const std::uint8_t> packed,
                                                 std::size_t septet_count, unsigned fill_bits = 0);

}  // namespace smppd::text::gsm7
