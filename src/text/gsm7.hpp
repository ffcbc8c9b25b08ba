#pragma once
// The GSM 03.38 default alphabet as SMPP carries it (data_coding 0 and 0xF0): one septet
// per octet, unpacked, extension characters as the pair 0x1B xx.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace smppd::text::gsm7 {

inline constexpr std::uint8_t escape = 0x1B;

// True for a septet that may follow 0x1B (^ { } \ [ ~ ] | € and form feed).
bool is_extension(std::uint8_t septet) noexcept;

// Every octet < 0x80, and every 0x1B followed by an extension-table septet.
status validate(std::span<const std::uint8_t> septets) noexcept;

// To UTF-8; fails exactly when validate fails.
result<std::string> decode(std::span<const std::uint8_t> septets);

// From UTF-8 to unpacked septets; errc::unencodable_character for anything outside the
// default alphabet and its extension table (no lossy substitutions).
result<std::vector<std::uint8_t>> encode(std::string_view utf8);

// Septets a code point takes: 1 for the default alphabet, 2 for the extension table,
// 0 when GSM-7 cannot carry it.
std::size_t septets_for(char32_t cp) noexcept;

// Appends the septets for cp (one or an escape pair); false if GSM-7 cannot carry it.
bool append_encoded(std::vector<std::uint8_t>& out, char32_t cp);

}  // namespace smppd::text::gsm7
