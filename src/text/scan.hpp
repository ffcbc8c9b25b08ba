#pragma once
// Word-at-a-time scans behind validation. Payloads come from every client on every submit,
// so these read 32 octets per step with one branch, and fall back to bytes only near a hit.
// Internal to the text module.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace smppd::text::detail {

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);  // unaligned and alias-safe; compiles to one load
  return w;
}

// True when any octet has its high bit set.
inline bool any_high_bit(const std::uint8_t* p, std::size_t n) noexcept {
  constexpr std::uint64_t high = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const std::uint64_t w =
        load64(p + i) | load64(p + i + 8) | load64(p + i + 16) | load64(p + i + 24);
    if (w & high) return true;
  }
  std::uint64_t acc = 0;
  for (; i + 8 <= n; i += 8) acc |= load64(p + i);
  for (; i < n; ++i) acc |= p[i];
  return (acc & high) != 0;
}

// Index of the first big-endian 16-bit unit at or after `from` that is a surrogate
// (D800-DFFF), or `units` when there is none. p holds 2 * units octets.
inline std::size_t find_surrogate_be(const std::uint8_t* p, std::size_t units,
                                     std::size_t from) noexcept {
  // In each 16-bit lane keep the top five bits of the unit's high octet and xor with the
  // surrogate pattern: a lane becomes zero exactly for a surrogate. The lane layout of a
  // loaded word depends on the host byte order; the zero-lane test does not.
  constexpr bool little = std::endian::native == std::endian::little;
  constexpr std::uint64_t mask = little ? 0x00F800F800F800F8ULL : 0xF800F800F800F800ULL;
  constexpr std::uint64_t pattern = little ? 0x00D800D800D800D8ULL : 0xD800D800D800D800ULL;
  constexpr std::uint64_t low15 = 0x7FFF7FFF7FFF7FFFULL;
  constexpr std::uint64_t top = 0x8000800080008000ULL;
  // Bit 15 of each lane set iff the lane is non-zero; no carry crosses lanes.
  const auto nonzero_lanes = [](std::uint64_t t) { return (((t & low15) + low15) | t) & top; };

  std::size_t u = from;
  for (; u + 16 <= units; u += 16) {
    const std::uint8_t* b = p + 2 * u;
    const std::uint64_t all = nonzero_lanes((load64(b) & mask) ^ pattern) &
                              nonzero_lanes((load64(b + 8) & mask) ^ pattern) &
                              nonzero_lanes((load64(b + 16) & mask) ^ pattern) &
                              nonzero_lanes((load64(b + 24) & mask) ^ pattern);
    if (all != top) break;  // a surrogate somewhere in these 16 units
  }
  for (; u < units; ++u) {
    if ((p[2 * u] & 0xF8) == 0xD8) return u;
  }
  return units;
}

}  // namespace smppd::text::detail
