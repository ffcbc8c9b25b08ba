#pragma once
// What an SMPP data_coding byte means to this gateway: the alphabet its short_message is
// written in, whether it asks for a flash (class 0) message, and the unit segmentation
// counts in. Only the codings listed in contract.md are supported; anything else is an error.

#include <cstddef>
#include <cstdint>

#include "common/result.hpp"

namespace smppd::text {

// The data_coding values we accept, by name.
namespace dcs {
inline constexpr std::uint8_t gsm7 = 0x00;        // GSM 03.38 default alphabet, unpacked
inline constexpr std::uint8_t ascii = 0x01;       // IA5 / ASCII
inline constexpr std::uint8_t binary = 0x02;      // 8-bit data
inline constexpr std::uint8_t latin1 = 0x03;      // ISO-8859-1
inline constexpr std::uint8_t binary_4 = 0x04;    // 8-bit data (the GSM DCS value)
inline constexpr std::uint8_t iso8859_5 = 0x06;   // Latin/Cyrillic
inline constexpr std::uint8_t ucs2 = 0x08;        // UCS-2 big-endian, read as UTF-16BE
inline constexpr std::uint8_t ucs2_flash = 0x18;  // UCS-2, message class 0
inline constexpr std::uint8_t gsm7_flash = 0xF0;  // GSM-7, message class 0
}  // namespace dcs

enum class alphabet : std::uint8_t { gsm7, ascii, binary, latin1, iso8859_5, ucs2 };

// What segmentation counts. GSM-7 payloads carry one septet per octet (an extension
// character is two septets); UCS-2 counts 16-bit code units; the rest count octets.
enum class unit : std::uint8_t { septet, octet, ucs2_code_unit };

struct coding_info {
  std::uint8_t data_coding;
  alphabet alpha;
  bool flash;  // message class 0: shown at once, not stored
  unit counted_in;
  std::uint8_t payload_octets_per_unit;  // in the SMPP short_message: 1, or 2 for UCS-2
  std::uint8_t air_bits_per_unit;        // in the TP-UD on the air: 7, 8 or 16
  bool is_text;                          // false for binary: nothing to decode
};

// The facts for a data_coding, or errc::unsupported_data_coding.
result<coding_info> lookup(std::uint8_t data_coding) noexcept;

bool is_supported(std::uint8_t data_coding) noexcept;

// TP-UD holds 140 octets. How many units fit in one message with no UDH, and in one part
// of a concatenated message whose UDH takes udh_octets (6 with an 8-bit reference: 153
// septets, 134 octets, 67 code units; 7 with a 16-bit reference: 152, 133, 66).
inline constexpr std::size_t max_user_data_octets = 140;
std::size_t units_per_message(const coding_info& info, std::size_t udh_octets = 0) noexcept;

}  // namespace smppd::text
