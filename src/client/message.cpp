#include "client/message.hpp"

#include <algorithm>
#include <cctype>

#include "text/codec.hpp"
#include "text/segmentation.hpp"

namespace smppd::client {
namespace {

bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string_view strip_plus(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  return s;
}

}  // namespace

bool set_source(smpp::submit_sm& sm, std::string_view from) {
  if (is_number(strip_plus(from))) {
    sm.source_addr_ton = 1;
    sm.source_addr_npi = 1;
    return sm.source_addr.assign(strip_plus(from));
  }
  sm.source_addr_ton = 5;
  sm.source_addr_npi = 0;
  return sm.source_addr.assign(from);
}

bool set_destination(smpp::submit_sm& sm, std::string_view to) {
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  return sm.destination_addr.assign(strip_plus(to));
}

result<std::vector<smpp::submit_sm>> build_submits(const message_spec& spec) {
  auto encoded = text::encode_auto(spec.text);
  if (!encoded) return encoded.error();
  smpp::submit_sm base;
  if (!set_source(base, spec.from) || !set_destination(base, spec.to)) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  base.registered_delivery = spec.registered_delivery;
  base.data_coding = encoded->data_coding;
  if (spec.user_message_reference) {
    base.tlvs.set_u16(smpp::tlv_tag::user_message_reference, *spec.user_message_reference);
  }
  const auto& payload = encoded->payload;
  auto parts = text::count_parts(encoded->data_coding, payload);
  if (!parts) return parts.error();

  std::vector<smpp::submit_sm> out;
  if (*parts == 1) {
    base.short_message.assign(payload);
    out.push_back(std::move(base));
    return out;
  }
  if (spec.long_mode == long_text::payload) {
    if (payload.size() > 65535 || !base.tlvs.set(smpp::tlv_tag::message_payload, payload)) {
      return std::make_error_code(std::errc::message_size);
    }
    out.push_back(std::move(base));
    return out;
  }
  auto split =
      text::split(encoded->data_coding, payload, text::split_options{spec.concat_reference, false});
  if (!split) return split.error();
  for (const auto& p : *split) {
    smpp::submit_sm sm = base;
    std::vector<std::uint8_t> body = p.udh;
    body.insert(body.end(), p.body.begin(), p.body.end());
    if (!sm.short_message.assign(body)) return std::make_error_code(std::errc::message_size);
    if (!p.udh.empty()) sm.esm_class |= 0x40;
    out.push_back(std::move(sm));
  }
  return out;
}

}  // namespace smppd::client
