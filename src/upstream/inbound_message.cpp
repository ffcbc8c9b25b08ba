#include "upstream/inbound_message.hpp"

namespace smppd::upstream {
namespace {

using smpp::esm_udhi;

template <class Body>
core::receipt_record addresses(const Body& b) {
  core::receipt_record r;
  r.message_id = 0;
  r.source_addr_ton = b.source_addr_ton;
  r.source_addr_npi = b.source_addr_npi;
  r.source_addr = std::string(b.source_addr.view());
  r.dest_addr_ton = b.dest_addr_ton;
  r.dest_addr_npi = b.dest_addr_npi;
  r.destination_addr = std::string(b.destination_addr.view());
  r.esm_class = (b.esm_class & esm_udhi) != 0 ? esm_udhi : 0;
  r.data_coding = b.data_coding;
  r.message_state = 0;
  if (const auto umr = b.tlvs.find(smpp::tlv_tag::user_message_reference)) {
    r.user_message_reference.assign(umr->value.begin(), umr->value.end());
  }
  return r;
}

std::string payload_of(const smpp::tlv_list& tlvs, std::span<const std::uint8_t> short_message) {
  if (const auto payload = tlvs.find(smpp::tlv_tag::message_payload);
      payload && short_message.empty()) {
    return std::string(payload->value.begin(), payload->value.end());
  }
  return std::string(short_message.begin(), short_message.end());
}

}  // namespace

std::optional<core::receipt_record> mo_record(const smpp::pdu& pdu) {
  if (const auto* d = pdu.get_if<smpp::deliver_sm>()) {
    auto r = addresses(*d);
    r.text = payload_of(d->tlvs, d->short_message.bytes());
    return r;
  }
  if (const auto* d = pdu.get_if<smpp::data_sm>()) {
    auto r = addresses(*d);
    r.text = payload_of(d->tlvs, {});
    return r;
  }
  return std::nullopt;
}

}  // namespace smppd::upstream
