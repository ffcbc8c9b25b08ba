#include "text/segmentation.hpp"

#include <algorithm>

#include "text/codec.hpp"
#include "text/data_coding.hpp"
#include "text/errc.hpp"
#include "text/gsm7.hpp"
#include "text/ucs2.hpp"

namespace smppd::text {
namespace {

// Where the part starting at octet `begin` ends, taking at most `units` units and never
// ending between the two halves of an escape or surrogate pair. Valid payloads only: there
// a 0x1B is always the first of its pair, and so is a high surrogate.
std::size_t part_end(const coding_info& info, std::span<const std::uint8_t> payload,
                     std::size_t begin, std::size_t units) noexcept {
  const std::size_t step = info.payload_octets_per_unit;
  const std::size_t n = payload.size();
  std::size_t end = begin + std::min(units * step, n - begin);
  if (end == n) return end;
  if (info.alpha == alphabet::gsm7 && payload[end - 1] == gsm7::escape) {
    end -= 1;
  } else if (info.alpha == alphabet::ucs2 &&
             ucs2::is_high_surrogate(static_cast<std::uint16_t>(payload[end - 2] << 8))) {
    end -= 2;  // the low octet does not matter: D8-DB in the high one is enough
  }
  return end;
}

struct plan {
  coding_info info;
  std::size_t per_part = 0;  // 0 when the payload fits in a single message
};

result<plan> make_plan(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                       bool reference_16bit) noexcept {
  const auto info = lookup(data_coding);
  if (!info) return info.error();
  if (auto valid = validate(data_coding, payload); !valid) return valid.error();
  const std::size_t units = payload.size() / info->payload_octets_per_unit;
  if (units <= units_per_message(*info)) return plan{*info, 0};
  return plan{*info, units_per_message(*info, concat_udh_size(reference_16bit))};
}

// Calls on_part(begin, end) for each part in order; too_many_parts past 255.
template <class OnPart>
status for_each_part(const plan& p, std::span<const std::uint8_t> payload, OnPart&& on_part) {
  if (p.per_part == 0) {
    on_part(std::size_t{0}, payload.size());
    return ok;
  }
  std::size_t count = 0;
  for (std::size_t begin = 0; begin < payload.size(); ++count) {
    if (count == max_parts) return errc::too_many_parts;
    const std::size_t end = part_end(p.info, payload, begin, p.per_part);
    on_part(begin, end);
    begin = end;
  }
  return ok;
}

}  // namespace

result<std::size_t> count_parts(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                                bool reference_16bit) noexcept {
  const auto p = make_plan(data_coding, payload, reference_16bit);
  if (!p) return p.error();
  std::size_t count = 0;
  if (auto walked = for_each_part(*p, payload, [&](std::size_t, std::size_t) { ++count; });
      !walked) {
    return walked.error();
  }
  return count;
}

result<std::vector<part>> split(std::uint8_t data_coding, std::span<const std::uint8_t> payload,
                                split_options options) {
  const auto p = make_plan(data_coding, payload, options.reference_16bit);
  if (!p) return p.error();
  std::vector<part> parts;
  if (auto walked = for_each_part(*p, payload,
                                  [&](std::size_t begin, std::size_t end) {
                                    parts.push_back(part{{}, payload.subspan(begin, end - begin)});
                                  });
      !walked) {
    return walked.error();
  }
  if (parts.size() == 1) return parts;
  // The total is known only now, so the headers go on afterwards.
  concat_info c{options.reference, static_cast<std::uint8_t>(parts.size()), 0,
                options.reference_16bit};
  for (auto& part : parts) {
    ++c.sequence;
    part.udh = build_concat_udh(c);
  }
  return parts;
}

}  // namespace smppd::text
