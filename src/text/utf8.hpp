#pragma once
// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. Every encoder
// reads its input through here, so a malformed text fails the same way everywhere.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace smppd::text::utf8 {

// Reads the code point at pos and advances pos past it; false (pos unchanged) when the
// bytes there are not well-formed UTF-8. pos must be < in.size().
bool next(std::string_view in, std::size_t& pos, char32_t& out) noexcept;

// Appends the UTF-8 form of a scalar value (the caller guarantees it is one).
void append(std::string& out, char32_t cp);

status validate(std::string_view in) noexcept;

// How many code points a valid UTF-8 text holds; errc::invalid_utf8 otherwise.
result<std::size_t> count_code_points(std::string_view in) noexcept;

}  // namespace smppd::text::utf8
