// Fuzzes the text module with one input: the first octet is the data_coding (all 256
// values, so unsupported ones too), the rest the payload. Beyond not crashing, it checks
// the properties the SMPP layer relies on: validate and decode agree, what decodes
// encodes back to the same octets, and splitting loses nothing and splits no pair.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "text/codec.hpp"
#include "text/data_coding.hpp"
#include "text/errc.hpp"
#include "text/gsm7.hpp"
#include "text/gsm7_pack.hpp"
#include "text/segmentation.hpp"
#include "text/ucs2.hpp"
#include "text/udh.hpp"
#include "text/utf8.hpp"

namespace {

using namespace smppd::text;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_split(std::uint8_t dc, const coding_info& info, std::span<const std::uint8_t> payload) {
  const auto count = count_parts(dc, payload);
  const bool wide_reference = (dc & 1) != 0;
  const auto parts = split(dc, payload, {.reference = 0x1234, .reference_16bit = wide_reference});
  if (!count) {
    check(count.error() == errc::too_many_parts);
    return;
  }
  if (!parts) {
    check(parts.error() == errc::too_many_parts);  // a 16-bit reference fits fewer per part
    return;
  }
  if (!wide_reference) check(parts->size() == *count);
  std::size_t joined = 0;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const part& p = (*parts)[i];
    check(p.body.data() == payload.data() + joined);
    joined += p.body.size();
    if (parts->size() == 1) {
      check(p.udh.empty());
      continue;
    }
    const std::size_t units = p.body.size() / info.payload_octets_per_unit;
    check(units <= units_per_message(info, p.udh.size()));
    const auto header = parse_udh(p.udh);
    check(header && header->length == p.udh.size() && header->concat);
    check(header->concat->sequence == i + 1 && header->concat->total == parts->size());
    if (i + 1 < parts->size() && info.alpha == alphabet::gsm7) {
      check(p.body.back() != gsm7::escape);
    }
    if (i + 1 < parts->size() && info.alpha == alphabet::ucs2) {
      const auto last = static_cast<std::uint16_t>(p.body[p.body.size() - 2] << 8);
      check(!ucs2::is_high_surrogate(last));
    }
  }
  check(joined == payload.size());
}

void check_packing(std::uint8_t dc, std::span<const std::uint8_t> septets) {
  const unsigned fill = dc % 7;
  const auto packed = gsm7::pack_septets(septets, fill);
  check(packed && packed->size() == gsm7::packed_size(septets.size(), fill));
  const auto unpacked = gsm7::unpack_septets(*packed, septets.size(), fill);
  check(unpacked && std::equal(unpacked->begin(), unpacked->end(), septets.begin(), septets.end()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t dc = data[0];
  const std::span<const std::uint8_t> payload(data + 1, size - 1);

  const auto valid = validate(dc, payload);
  const auto text = decode_to_utf8(dc, payload);
  const auto info = lookup(dc);
  (void)render_for_log(dc, payload);
  (void)parse_udh(payload);

  if (!info) {
    check(!valid && !text && valid.error() == errc::unsupported_data_coding);
  } else if (!info->is_text) {
    check(valid && text.error() == errc::not_text);
  } else {
    check(valid.has_value() == text.has_value());
    if (text) {
      check(utf8::validate(*text).has_value());
      const auto again = encode(dc, *text);
      check(again && std::equal(again->begin(), again->end(), payload.begin(), payload.end()));
    }
  }
  if (valid) check_split(dc, *info, payload);
  if (valid && info->alpha == alphabet::gsm7) check_packing(dc, payload);

  // The payload as a client's UTF-8 text.
  const std::string_view as_text(reinterpret_cast<const char*>(payload.data()), payload.size());
  const auto chosen = encode_auto(as_text);
  check(chosen.has_value() == utf8::validate(as_text).has_value());
  if (chosen) {
    const auto back = decode_to_utf8(chosen->data_coding, chosen->payload);
    check(back && *back == as_text);
  }
  return 0;
}
