#include "text/gsm7_pack.hpp"

#include "text/errc.hpp"

namespace smppd::text::gsm7 {

result<std::vector<std::uint8_t>> pack_septets(std::span<const std::uint8_t> septets,
                                               unsigned fill_bits) {
  if (fill_bits > 6) return errc::invalid_fill_bits;
  std::vector<std::uint8_t> out;
  out.reserve(packed_size(septets.size(), fill_bits));
  std::uint32_t acc = 0;
  unsigned bits = fill_bits;  // the fill bits are the zero low bits of the first octet
  for (const std::uint8_t s : septets) {
    if (s >= 0x80) return errc::octet_out_of_range;
    acc |= static_cast<std::uint32_t>(s) << bits;
    bits += 7;
    while (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(acc & 0xFF));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0 && !septets.empty()) out.push_back(static_cast<std::uint8_t>(acc & 0xFF));
  return out;
}

result<std::vector<std::uint8_t>> unpack_septets(std::span<const std::uint8_t> packed,
                                                 std::size_t septet_count, unsigned fill_bits) {
  if (fill_bits > 6) return errc::invalid_fill_bits;
  if (septet_count == 0) return std::vector<std::uint8_t>{};
  // Compare in bits without multiplying an untrusted count first.
  if (septet_count > (packed.size() * 8) / 7 || fill_bits + 7 * septet_count > packed.size() * 8) {
    return errc::septet_count_out_of_range;
  }
  std::vector<std::uint8_t> out;
  out.reserve(septet_count);
  std::uint32_t acc = 0;
  unsigned bits = 0;
  std::size_t next = 0;
  if (fill_bits > 0) {
    acc = packed[next++] >> fill_bits;
    bits = 8 - fill_bits;
  }
  while (out.size() < septet_count) {
    if (bits < 7) {
      acc |= static_cast<std::uint32_t>(packed[next++]) << bits;
      bits += 8;
    }
    out.push_back(static_cast<std::uint8_t>(acc & 0x7F));
    acc >>= 7;
    bits -= 7;
  }
  return out;
}

}  // namespace smppd::text::gsm7
