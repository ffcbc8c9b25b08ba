#include "text/udh.hpp"

#include "text/errc.hpp"

namespace smppd::text {

std::vector<std::uint8_t> build_concat_udh(const concat_info& c) {
  if (c.reference_16bit) {
    return {0x06,
            iei_concat_16bit,
            0x04,
            static_cast<std::uint8_t>(c.reference >> 8),
            static_cast<std::uint8_t>(c.reference & 0xFF),
            c.total,
            c.sequence};
  }
  return {0x05,    iei_concat_8bit, 0x03, static_cast<std::uint8_t>(c.reference & 0xFF),
          c.total, c.sequence};
}

result<udh_view> parse_udh(std::span<const std::uint8_t> payload) noexcept {
  if (payload.empty()) return errc::udh_length_out_of_range;
  const std::size_t end = 1 + std::size_t{payload[0]};
  if (end > payload.size()) return errc::udh_length_out_of_range;

  udh_view view;
  view.length = end;
  std::size_t i = 1;
  while (i < end) {
    if (end - i < 2) return errc::udh_element_truncated;
    const std::uint8_t iei = payload[i];
    const std::size_t iel = payload[i + 1];
    const std::size_t data = i + 2;
    if (end - data < iel) return errc::udh_element_truncated;
    const auto* d = payload.data() + data;
    if (iei == iei_concat_8bit || iei == iei_concat_16bit) {
      const bool wide = iei == iei_concat_16bit;
      if (iel != (wide ? 4u : 3u)) return errc::invalid_concat_element;
      concat_info c;
      c.reference_16bit = wide;
      c.reference = wide ? static_cast<std::uint16_t>((d[0] << 8) | d[1]) : d[0];
      c.total = d[wide ? 2 : 1];
      c.sequence = d[wide ? 3 : 2];
      if (c.total == 0 || c.sequence == 0 || c.sequence > c.total) {
        return errc::invalid_concat_element;
      }
      view.concat = c;
    }
    i = data + iel;
  }
  return view;
}

}  // namespace smppd::text
