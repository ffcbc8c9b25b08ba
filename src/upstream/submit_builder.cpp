#include "upstream/submit_builder.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "text/segmentation.hpp"

namespace smppd::upstream {
namespace {

using smpp::esm_udhi;
constexpr std::size_t max_short_message = 254;

bool is_flash_coding(std::uint8_t dc) noexcept { return dc == 0x18 || dc == 0xF0; }

smpp::submit_sm envelope(const core::message_record& m) {
  smpp::submit_sm sm;
  // Stored fields were validated on submit: they fit the wire again.
  sm.service_type.assign(m.service_type);
  sm.source_addr_ton = m.source_addr_ton;
  sm.source_addr_npi = m.source_addr_npi;
  sm.source_addr.assign(m.source_addr);
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr.assign(m.destination_addr);
  sm.esm_class = m.esm_class & esm_udhi;
  sm.protocol_id = m.protocol_id;
  sm.priority_flag = m.priority;
  if (m.validity_period) sm.validity_period.assign(format_absolute_time(*m.validity_period));
  sm.registered_delivery = 1;
  sm.data_coding = m.data_coding;
  // Flash by data_coding travels in data_coding; flash asked for with dest_addr_subunit 1
  // must be asked for again.
  if (m.flash && !is_flash_coding(m.data_coding)) {
    sm.tlvs.set_u8(smpp::tlv_tag::dest_addr_subunit, 1);
  }
  return sm;
}

}  // namespace

std::string format_absolute_time(wall_time t) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(t);
  const std::time_t tt = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  gmtime_r(&tt, &utc);
  return fmt::format("{:02}{:02}{:02}{:02}{:02}{:02}000+", utc.tm_year % 100, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::vector<smpp::submit_sm> build_submits(const core::message_record& message, long_messages mode,
                                           std::uint16_t reference) {
  std::vector<smpp::submit_sm> out;
  const auto& payload = message.payload;
  const bool own_udh = (message.esm_class & esm_udhi) != 0;
  auto parts = own_udh ? result<std::vector<text::part>>(std::vector<text::part>{})
                       : text::split(message.data_coding, payload,
                                     {.reference = reference, .reference_16bit = false});
  const bool single = own_udh || !parts || parts->size() <= 1;
  if (single || mode == long_messages::payload) {
    smpp::submit_sm sm = envelope(message);
    if (payload.size() <= max_short_message && single) {
      sm.short_message.assign(payload);
    } else {
      sm.tlvs.set(smpp::tlv_tag::message_payload, payload);
    }
    out.push_back(std::move(sm));
    return out;
  }
  out.reserve(parts->size());
  for (const auto& part : *parts) {
    smpp::submit_sm sm = envelope(message);
    sm.esm_class |= esm_udhi;
    std::vector<std::uint8_t> body(part.udh);
    body.insert(body.end(), part.body.begin(), part.body.end());
    sm.short_message.assign(body);
    out.push_back(std::move(sm));
  }
  return out;
}

}  // namespace smppd::upstream
