#include "dlr/deliver.hpp"

#include <array>

#include "common/message_id.hpp"

namespace smppd::dlr {

bool wants_receipt(std::uint8_t registered_delivery, receipt_status status) noexcept {
  if (!is_final(status)) return (registered_delivery & registered_delivery_intermediate) != 0;
  switch (registered_delivery & registered_delivery_receipt_mask) {
    case 1:
      return true;
    case 2:
      return is_failure(status);
    default:
      return false;
  }
}

std::string reference_text(std::span<const std::uint8_t> user_message_reference) {
  if (user_message_reference.size() == 2) {
    return std::to_string((unsigned{user_message_reference[0]} << 8) | user_message_reference[1]);
  }
  std::string out;
  const auto n = std::min(user_message_reference.size(), max_text_chars);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = user_message_reference[i];
    out.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  }
  return out;
}

namespace {

// A report goes back the way the message came: from its destination to its source.
void address_back(const core::message_record& message, core::receipt_record& r) {
  r.source_addr_ton = message.dest_addr_ton;
  r.source_addr_npi = message.dest_addr_npi;
  r.source_addr = message.destination_addr;
  r.dest_addr_ton = message.source_addr_ton;
  r.dest_addr_npi = message.source_addr_npi;
  r.destination_addr = message.source_addr;
}

}  // namespace

std::optional<core::receipt_record> receipt_for(const core::message_record& message,
                                                receipt_status status, std::uint32_t error,
                                                wall_time done_at) {
  if (!wants_receipt(message.registered_delivery, status)) return std::nullopt;
  core::receipt_record r;
  r.system_id = message.system_id;
  r.message_id = message.id;
  r.text = format(make_receipt(format_message_id(message.id), message.submitted_at, done_at, status,
                               error, reference_text(message.user_message_reference)));
  r.message_state = dlr::message_state(status);
  r.network_error = error;
  address_back(message, r);
  r.user_message_reference = message.user_message_reference;
  r.created_at = done_at;
  return r;
}

std::string_view webhook_status(receipt_status status) noexcept {
  switch (status) {
    case receipt_status::enroute:
      return "ENROUTE";
    case receipt_status::delivrd:
      return "DELIVERED";
    case receipt_status::expired:
      return "EXPIRED";
    case receipt_status::deleted:
      return "DELETED";
    case receipt_status::undeliv:
      return "UNDELIVERABLE";
    case receipt_status::acceptd:
      return "ACCEPTED";
    case receipt_status::rejectd:
      return "REJECTED";
    case receipt_status::buffered:
      return "BUFFERED";
    case receipt_status::unknown:
      break;
  }
  return "UNKNOWN";
}

namespace {

core::receipt_record webhook_of(const core::message_record& message, std::string_view status,
                                std::uint8_t state, std::uint32_t error, wall_time at) {
  core::receipt_record r;
  r.system_id = message.system_id;
  r.message_id = message.webhook_id();
  r.text = std::string(status);
  r.message_state = state;
  r.network_error = error;
  address_back(message, r);
  // A REST userref, else an SMPP message's user_message_reference as its receipt shows it.
  const std::string userref =
      !message.userref.empty() ? message.userref : reference_text(message.user_message_reference);
  r.user_message_reference.assign(userref.begin(), userref.end());
  r.created_at = at;
  r.webhook_url = message.callback_url;
  return r;
}

}  // namespace

std::optional<core::receipt_record> webhook_for(const core::message_record& message,
                                                receipt_status status, std::uint32_t error,
                                                wall_time done_at) {
  if (message.callback_url.empty()) return std::nullopt;
  return webhook_of(message, webhook_status(status), dlr::message_state(status), error, done_at);
}

std::optional<core::receipt_record> scheduled_webhook_for(const core::message_record& message) {
  if (message.callback_url.empty() || !message.schedule_delivery_time ||
      *message.schedule_delivery_time <= message.submitted_at) {
    return std::nullopt;
  }
  return webhook_of(message, "SCHEDULED", 0, 0, message.submitted_at);
}

smpp::deliver_sm make_deliver_sm(const core::receipt_record& receipt) {
  if (receipt.is_mo()) return make_mo_deliver_sm(receipt);
  smpp::deliver_sm pdu;
  pdu.source_addr_ton = receipt.source_addr_ton;
  pdu.source_addr_npi = receipt.source_addr_npi;
  // Addresses were validated on submit (at most 20 characters), so assign cannot fail.
  pdu.source_addr.assign(receipt.source_addr);
  pdu.dest_addr_ton = receipt.dest_addr_ton;
  pdu.dest_addr_npi = receipt.dest_addr_npi;
  pdu.destination_addr.assign(receipt.destination_addr);
  pdu.esm_class = 0x04;  // SMSC delivery receipt (section 5.2.12)
  pdu.data_coding = 0;
  pdu.short_message.assign(receipt.text);
  const std::string id = format_message_id(receipt.message_id);
  pdu.tlvs.set_string(smpp::tlv_tag::receipted_message_id, id);
  pdu.tlvs.set_u8(smpp::tlv_tag::message_state, receipt.message_state);
  if (receipt.network_error != 0) {
    const auto err = err_from_gateway_error(receipt.network_error);
    const std::array<std::uint8_t, 3> value{network_type_gsm, static_cast<std::uint8_t>(err >> 8),
                                            static_cast<std::uint8_t>(err & 0xFF)};
    pdu.tlvs.set(smpp::tlv_tag::network_error_code, value);
  }
  if (!receipt.user_message_reference.empty()) {
    pdu.tlvs.set(smpp::tlv_tag::user_message_reference, receipt.user_message_reference);
  }
  return pdu;
}

smpp::deliver_sm make_mo_deliver_sm(const core::receipt_record& mo) {
  smpp::deliver_sm pdu;
  pdu.source_addr_ton = mo.source_addr_ton;
  pdu.source_addr_npi = mo.source_addr_npi;
  pdu.source_addr.assign(mo.source_addr);  // at most 20 characters: checked on arrival
  pdu.dest_addr_ton = mo.dest_addr_ton;
  pdu.dest_addr_npi = mo.dest_addr_npi;
  pdu.destination_addr.assign(mo.destination_addr);
  pdu.esm_class = mo.esm_class;
  pdu.data_coding = mo.data_coding;
  const std::span<const std::uint8_t> payload(reinterpret_cast<const std::uint8_t*>(mo.text.data()),
                                              mo.text.size());
  if (!pdu.short_message.assign(payload)) pdu.tlvs.set(smpp::tlv_tag::message_payload, payload);
  if (!mo.user_message_reference.empty()) {
    pdu.tlvs.set(smpp::tlv_tag::user_message_reference, mo.user_message_reference);
  }
  return pdu;
}

}  // namespace smppd::dlr
