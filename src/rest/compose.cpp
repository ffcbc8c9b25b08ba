#include "rest/compose.hpp"

#include <algorithm>

#include "text/codec.hpp"
#include "text/data_coding.hpp"
#include "text/segmentation.hpp"

namespace smppd::rest {
namespace {

// SMPP 5.2.5/5.2.6: an international number (TON 1, NPI 1 E.164) or alphanumeric (TON 5).
constexpr std::uint8_t ton_international = 1;
constexpr std::uint8_t ton_alphanumeric = 5;
constexpr std::uint8_t npi_e164 = 1;

}  // namespace

compose_result compose(const sms_request& request, const account_policy& account, wall_time now) {
  if (!request.message_class.empty() && std::find(account.classes.begin(), account.classes.end(),
                                                  request.message_class) == account.classes.end()) {
    return errors::unknown_class(request.message_class);
  }

  text::encoded_text encoded;
  if (request.encoding == text_encoding::ucs2) {
    auto payload = text::encode(text::dcs::ucs2, request.message);
    if (!payload) return errors::unsupported_parameter("message", "not valid UTF-8");
    encoded = {text::dcs::ucs2, std::move(*payload)};
  } else {
    auto automatic = text::encode_auto(request.message);
    if (!automatic) return errors::unsupported_parameter("message", "not valid UTF-8");
    encoded = std::move(*automatic);
  }
  const auto parts = text::count_parts(encoded.data_coding, encoded.payload);
  if (!parts || *parts > request.max_parts) {
    return errors::unsupported_parameter("message", parts ? "needs " + std::to_string(*parts) +
                                                                " parts, more than max_parts " +
                                                                std::to_string(request.max_parts)
                                                          : std::string("longer than 255 parts"));
  }

  core::message_record base;
  base.system_id = account.system_id;
  const std::string sender = request.sender.empty() ? std::string(default_sender) : request.sender;
  base.source_addr = sender;
  if (all_digits(sender)) {
    base.source_addr_ton = ton_international;
    base.source_addr_npi = npi_e164;
  } else {
    base.source_addr_ton = ton_alphanumeric;
    base.source_addr_npi = 0;
  }
  base.dest_addr_ton = ton_international;
  base.dest_addr_npi = npi_e164;
  base.requested_priority = request.priority;
  base.priority = std::min(request.priority, account.max_priority);
  if (request.sendtime) {
    const wall_time at{std::chrono::seconds(*request.sendtime)};
    if (at > now) base.schedule_delivery_time = at;
  }
  if (request.validity_period) {
    base.validity_period = now + std::chrono::seconds(*request.validity_period);
  }
  // Flash (GSM message class 0) is told by the data_coding, as SMPP clients tell it.
  base.data_coding = !request.flash                           ? encoded.data_coding
                     : encoded.data_coding == text::dcs::ucs2 ? text::dcs::ucs2_flash
                                                              : text::dcs::gsm7_flash;
  base.flash = request.flash;
  base.payload = std::move(encoded.payload);
  base.message_class = request.message_class;
  base.submitted_at = now;
  base.parts = static_cast<std::uint16_t>(*parts);
  base.callback_url = request.callback_url.empty() ? account.webhook_url : request.callback_url;
  base.userref = request.userref;

  std::vector<core::message_record> out(request.recipients.size(), base);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].destination_addr = request.recipients[i];
  return out;
}

}  // namespace smppd::rest
