#pragma once
// Why a payload or a text could not be validated, decoded, encoded or segmented. The SMPP
// layer maps every one of these to ESME_RINVDCS; the distinction is for logs and tests.

#include <system_error>

namespace smppd::text {

enum class errc {
  // 0 is success in std::error_code, so the values start at 1.
  octet_out_of_range = 1,     // an octet >= 0x80 in a GSM-7 or ASCII payload
  dangling_escape,            // GSM-7 escape 0x1B as the last octet
  unknown_extension,          // GSM-7 escape 0x1B before a non-extension-table character
  odd_length,                 // UCS-2 payload with an odd number of octets
  lone_surrogate,             // UTF-16 surrogate without its partner
  unsupported_data_coding,    // a data_coding this gateway does not carry
  not_text,                   // binary data_coding (2, 4) has no text form
  unencodable_character,      // a character has no code in the chosen alphabet
  invalid_utf8,               // input text is not well-formed UTF-8
  invalid_fill_bits,          // septet fill bits outside 0..6
  septet_count_out_of_range,  // more septets asked for than the packed octets hold
  too_many_parts,             // concatenation needs more than 255 parts
  udh_length_out_of_range,    // UDHL missing, or the header runs past the payload
  udh_element_truncated,      // an information element runs past the end of the UDH
  invalid_concat_element,     // concatenation IE with a wrong length, total 0 or seq 0/> total
};

const std::error_category& text_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), text_category()};
}

}  // namespace smppd::text

template <>
struct std::is_error_code_enum<smppd::text::errc> : std::true_type {};
