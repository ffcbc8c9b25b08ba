#include "rest/webhook_body.hpp"

#include <nlohmann/json.hpp>

#include "text/codec.hpp"
#include "text/data_coding.hpp"
#include "text/udh.hpp"

namespace smppd::rest {
namespace {

using json = nlohmann::json;

// An MSISDN as GatewayAPI sends it: a number, or the text when it is not all digits.
json number_or_text(const std::string& address) {
  if (!address.empty() && address.size() <= 18 &&
      address.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoull(address);
  }
  return address;
}

std::string_view encoding_name(std::uint8_t data_coding) {
  switch (data_coding) {
    case text::dcs::ucs2:
    case text::dcs::ucs2_flash:
      return "UCS2";
    default:
      return "UTF8";
  }
}

std::string hex_code(std::uint32_t code) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%04X", code);
  return buffer;
}

}  // namespace

std::string webhook_body(const core::receipt_record& r) {
  json body;
  if (r.is_mo()) {
    body["id"] = r.receipt_id;
    body["msisdn"] = number_or_text(r.source_addr);
    body["receiver"] = number_or_text(r.destination_addr);
    std::span<const std::uint8_t> payload(reinterpret_cast<const std::uint8_t*>(r.text.data()),
                                          r.text.size());
    // A part of a concatenated MO (UDHI, esm_class 0x40) starts with its UDH: not text.
    if ((r.esm_class & 0x40) != 0) {
      if (const auto udh = text::parse_udh(payload)) payload = payload.subspan(udh->length);
    }
    body["message"] = text::render_for_log(r.data_coding, payload);
    body["senttime"] = unix_seconds(r.created_at);
    body["encoding"] = encoding_name(r.data_coding);
    return body.dump();
  }
  body["id"] = r.message_id;
  body["msisdn"] = number_or_text(r.source_addr);
  body["time"] = unix_seconds(r.created_at);
  body["status"] = r.text;
  if (r.network_error != 0) {
    body["error"] = r.text + " (gateway error " + hex_code(r.network_error) + ")";
    body["code"] = hex_code(r.network_error);
  } else {
    body["error"] = nullptr;
    body["code"] = nullptr;
  }
  if (r.user_message_reference.empty()) {
    body["userref"] = nullptr;
  } else {
    body["userref"] = std::string(r.user_message_reference.begin(), r.user_message_reference.end());
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace smppd::rest
