#include "smpp/submit_validation.hpp"

#include <algorithm>

#include "smpp/smpp_time.hpp"
#include "text/codec.hpp"
#include "text/data_coding.hpp"
#include "text/udh.hpp"

namespace smppd::smpp {
namespace {

// SMPP 3.4 section 5.2.5: TON values 0..6 are defined.
constexpr std::uint8_t ton_international = 1;
constexpr std::uint8_t ton_alphanumeric = 5;
constexpr std::uint8_t max_defined_ton = 6;

constexpr std::size_t max_msisdn_digits = 15;        // E.164
constexpr std::size_t max_alphanumeric_sender = 11;  // what fits a GSM TP-OA

// esm_class (5.2.12): bits 0-1 messaging mode (any), bits 2-5 message type, where a
// submit_sm may only be a normal message (0) or an ESME delivery / manual acknowledgement,
// bits 6-7 GSM features (UDHI 0x40, reply path 0x80).
constexpr std::uint8_t esm_type_mask = 0x3C;

// registered_delivery (5.2.17): bits 0-1 value 3 and bits 5-7 are reserved.
constexpr std::uint8_t regdel_receipt_mask = 0x03;
constexpr std::uint8_t regdel_reserved_mask = 0xE0;

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

command_status check_source(const submit_sm& pdu) {
  const std::string_view addr = pdu.source_addr.view();
  if (addr.empty() || pdu.source_addr_ton > max_defined_ton) {
    return addr.empty() ? command_status::esme_rinvsrcadr : command_status::esme_rinvsrcton;
  }
  if (pdu.source_addr_ton == ton_alphanumeric) {
    // Characters, not septets: an extension character such as '{' is one character.
    const auto septets = text::encode(text::dcs::gsm7, addr);
    if (!septets) return command_status::esme_rinvsrcadr;
    const auto escapes =
        static_cast<std::size_t>(std::count(septets->begin(), septets->end(), 0x1B));
    if (septets->size() - escapes > max_alphanumeric_sender) return command_status::esme_rinvsrcadr;
  } else if (pdu.source_addr_ton == ton_international) {
    if (addr.size() > max_msisdn_digits || !all_digits(addr))
      return command_status::esme_rinvsrcadr;
  }
  return command_status::esme_rok;  // other TONs: up to 20 characters, as the field type holds
}

// The payload's text part must decode; with UDHI the header is checked and skipped first.
// A header that does not parse is an undecodable payload too (the contract's one status
// for it), not a bad esm_class: the esm_class said what it should.
command_status check_payload(std::uint8_t data_coding, std::uint8_t esm_class,
                             std::span<const std::uint8_t> payload) {
  std::span<const std::uint8_t> body = payload;
  if ((esm_class & esm_udhi) != 0) {
    const auto udh = text::parse_udh(payload);
    if (!udh) return command_status::esme_rinvdcs;
    body = payload.subspan(udh->length);
  }
  return text::validate(data_coding, body) ? command_status::esme_rok
                                           : command_status::esme_rinvdcs;
}

}  // namespace

submit_validation validate_submit_sm(const submit_sm& pdu, const submit_policy& policy,
                                     wall_time now) {
  submit_request out;

  if (pdu.dest_addr_ton > ton_international) return command_status::esme_rinvdstton;
  const std::string_view destination = pdu.destination_addr.view();
  if (destination.empty() || destination.size() > max_msisdn_digits || !all_digits(destination)) {
    return command_status::esme_rinvdstadr;
  }
  if (const auto status = check_source(pdu); status != command_status::esme_rok) return status;

  const auto esm_type = static_cast<std::uint8_t>(pdu.esm_class & esm_type_mask);
  if (esm_type != 0x00 && esm_type != 0x08 && esm_type != 0x10) {
    return command_status::esme_rinvesmclass;
  }

  const auto coding = text::lookup(pdu.data_coding);
  if (!coding) return command_status::esme_rinvdcs;

  std::span<const std::uint8_t> payload = pdu.short_message.bytes();
  if (const auto tlv_payload = pdu.tlvs.find(tlv_tag::message_payload)) {
    if (!pdu.short_message.empty()) return command_status::esme_rinvmsglen;
    payload = tlv_payload->value;
  }
  if (const auto status = check_payload(pdu.data_coding, pdu.esm_class, payload);
      status != command_status::esme_rok) {
    return status;
  }

  if (const auto subunit = pdu.tlvs.find(tlv_tag::dest_addr_subunit)) {
    if (subunit->value.size() != 1) return command_status::esme_rinvparlen;
    out.flash = subunit->value[0] == 1;
  }
  out.flash = out.flash || coding->flash;

  if (const auto reference = pdu.tlvs.find(tlv_tag::user_message_reference)) {
    if (reference->value.empty()) return command_status::esme_rinvparlen;
    out.user_message_reference.assign(reference->value.begin(), reference->value.end());
  }
  if (const auto cls = pdu.tlvs.find(tlv_tag::message_class)) {
    std::string name(cls->value.begin(), cls->value.end());
    if (!name.empty() && name.back() == '\0') name.pop_back();  // sent as a C-octet string
    if (std::find(policy.allowed_classes.begin(), policy.allowed_classes.end(), name) ==
        policy.allowed_classes.end()) {
      return command_status::esme_rinvoptparamval;
    }
    out.message_class = std::move(name);
  }

  if (pdu.priority_flag > 3) return command_status::esme_rinvprtflg;
  if ((pdu.registered_delivery & regdel_reserved_mask) != 0 ||
      (pdu.registered_delivery & regdel_receipt_mask) == regdel_receipt_mask) {
    return command_status::esme_rinvregdlvflg;
  }
  if (pdu.replace_if_present_flag > 1) return command_status::esme_rinvrepflag;
  // Canned messages (sm_default_msg_id) are not offered.
  if (pdu.sm_default_msg_id != 0) return command_status::esme_rinvdftmsgid;

  const auto schedule = resolve_smpp_time(pdu.schedule_delivery_time.view(), now);
  if (!schedule) return command_status::esme_rinvsched;
  const auto validity = resolve_smpp_time(pdu.validity_period.view(), now);
  if (!validity) return command_status::esme_rinvexpiry;
  out.schedule_delivery_time = *schedule;
  out.validity_period = *validity;

  out.source_addr_ton = pdu.source_addr_ton;
  out.source_addr_npi = pdu.source_addr_npi;
  out.source_addr = std::string(pdu.source_addr.view());
  out.dest_addr_ton = ton_international;
  out.dest_addr_npi = pdu.dest_addr_npi;
  out.destination_addr = std::string(destination);
  out.service_type = std::string(pdu.service_type.view());
  out.esm_class = pdu.esm_class;
  out.protocol_id = pdu.protocol_id;
  out.requested_priority = pdu.priority_flag;
  out.priority = std::min(pdu.priority_flag, policy.max_priority);
  out.registered_delivery = pdu.registered_delivery;
  out.data_coding = pdu.data_coding;
  out.payload.assign(payload.begin(), payload.end());
  return out;
}

}  // namespace smppd::smpp
