#include "smpp/tlv.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "smpp/detail/wire.hpp"

namespace smppd::smpp {
namespace {

using k = tlv_kind;

// SMPP 3.4 section 5.3.2, sorted by tag for binary search. Deviations, each for interop:
// source_telematics_id takes 1 or 2 octets (the 3.4 text disagrees with itself);
// user_message_reference takes 2..255 octets (the contract accepts a text reference);
// alert_on_message_delivery takes 0 or 1 octet (5.0 added the 1-octet form).
constexpr std::array<tlv_info, 45> tlv_table{{
    {tlv_tag::dest_addr_subunit, "dest_addr_subunit", k::integer, 1, 1},
    {tlv_tag::dest_network_type, "dest_network_type", k::integer, 1, 1},
    {tlv_tag::dest_bearer_type, "dest_bearer_type", k::integer, 1, 1},
    {tlv_tag::dest_telematics_id, "dest_telematics_id", k::integer, 2, 2},
    {tlv_tag::source_addr_subunit, "source_addr_subunit", k::integer, 1, 1},
    {tlv_tag::source_network_type, "source_network_type", k::integer, 1, 1},
    {tlv_tag::source_bearer_type, "source_bearer_type", k::integer, 1, 1},
    {tlv_tag::source_telematics_id, "source_telematics_id", k::integer, 1, 2},
    {tlv_tag::qos_time_to_live, "qos_time_to_live", k::integer, 4, 4},
    {tlv_tag::payload_type, "payload_type", k::integer, 1, 1},
    {tlv_tag::additional_status_info_text, "additional_status_info_text", k::c_octet_string, 1,
     256},
    {tlv_tag::receipted_message_id, "receipted_message_id", k::c_octet_string, 1, 65},
    {tlv_tag::ms_msg_wait_facilities, "ms_msg_wait_facilities", k::integer, 1, 1},
    {tlv_tag::privacy_indicator, "privacy_indicator", k::integer, 1, 1},
    {tlv_tag::source_subaddress, "source_subaddress", k::octet_string, 2, 23},
    {tlv_tag::dest_subaddress, "dest_subaddress", k::octet_string, 2, 23},
    {tlv_tag::user_message_reference, "user_message_reference", k::integer, 2, 255},
    {tlv_tag::user_response_code, "user_response_code", k::integer, 1, 1},
    {tlv_tag::source_port, "source_port", k::integer, 2, 2},
    {tlv_tag::destination_port, "destination_port", k::integer, 2, 2},
    {tlv_tag::sar_msg_ref_num, "sar_msg_ref_num", k::integer, 2, 2},
    {tlv_tag::language_indicator, "language_indicator", k::integer, 1, 1},
    {tlv_tag::sar_total_segments, "sar_total_segments", k::integer, 1, 1},
    {tlv_tag::sar_segment_seqnum, "sar_segment_seqnum", k::integer, 1, 1},
    {tlv_tag::sc_interface_version, "sc_interface_version", k::integer, 1, 1},
    {tlv_tag::callback_num_pres_ind, "callback_num_pres_ind", k::integer, 1, 1},
    {tlv_tag::callback_num_atag, "callback_num_atag", k::octet_string, 1, 65},
    {tlv_tag::number_of_messages, "number_of_messages", k::integer, 1, 1},
    {tlv_tag::callback_num, "callback_num", k::octet_string, 4, 19},
    {tlv_tag::dpf_result, "dpf_result", k::integer, 1, 1},
    {tlv_tag::set_dpf, "set_dpf", k::integer, 1, 1},
    {tlv_tag::ms_availability_status, "ms_availability_status", k::integer, 1, 1},
    {tlv_tag::network_error_code, "network_error_code", k::octet_string, 3, 3},
    {tlv_tag::message_payload, "message_payload", k::octet_string, 0, 65535},
    {tlv_tag::delivery_failure_reason, "delivery_failure_reason", k::integer, 1, 1},
    {tlv_tag::more_messages_to_send, "more_messages_to_send", k::integer, 1, 1},
    {tlv_tag::message_state, "message_state", k::integer, 1, 1},
    {tlv_tag::ussd_service_op, "ussd_service_op", k::integer, 1, 1},
    {tlv_tag::display_time, "display_time", k::integer, 1, 1},
    {tlv_tag::sms_signal, "sms_signal", k::integer, 2, 2},
    {tlv_tag::ms_validity, "ms_validity", k::integer, 1, 1},
    {tlv_tag::alert_on_message_delivery, "alert_on_message_delivery", k::empty, 0, 1},
    {tlv_tag::its_reply_type, "its_reply_type", k::integer, 1, 1},
    {tlv_tag::its_session_info, "its_session_info", k::octet_string, 2, 2},
    {tlv_tag::message_class, "message_class", k::octet_string, 0, 255},
}};

constexpr bool table_sorted() {
  for (std::size_t i = 1; i < tlv_table.size(); ++i) {
    if (tlv_table[i - 1].tag >= tlv_table[i].tag) return false;
  }
  return true;
}
static_assert(table_sorted(), "binary search needs the TLV table sorted by tag");

bool length_ok(tlv_tag tag, std::size_t length) noexcept {
  if (length > 0xFFFF) return false;
  const tlv_info* info = find_tlv_info(tag);
  return info == nullptr || (length >= info->min_length && length <= info->max_length);
}

}  // namespace

const tlv_info* find_tlv_info(tlv_tag tag) noexcept {
  const auto* it = std::lower_bound(tlv_table.begin(), tlv_table.end(), tag,
                                    [](const tlv_info& info, tlv_tag t) { return info.tag < t; });
  return it != tlv_table.end() && it->tag == tag ? &*it : nullptr;
}

std::string_view name(tlv_tag tag) noexcept {
  const tlv_info* info = find_tlv_info(tag);
  return info != nullptr ? info->name : std::string_view{};
}

std::string to_string(tlv_tag tag) {
  if (auto known = name(tag); !known.empty()) return std::string(known);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%04x", static_cast<unsigned>(tag));
  return hex;
}

tlv_view tlv_list::iterator::operator*() const noexcept {
  return {static_cast<tlv_tag>(detail::load_u16(at_)), {at_ + 4, detail::load_u16(at_ + 2)}};
}

tlv_list::iterator& tlv_list::iterator::operator++() noexcept {
  at_ += header_size + detail::load_u16(at_ + 2);
  return *this;
}

std::size_t tlv_list::count() const noexcept {
  return static_cast<std::size_t>(std::distance(begin(), end()));
}

std::optional<tlv_view> tlv_list::find(tlv_tag tag) const noexcept {
  for (tlv_view tlv : *this) {
    if (tlv.tag == tag) return tlv;
  }
  return std::nullopt;
}

std::optional<std::uint8_t> tlv_list::get_u8(tlv_tag tag) const noexcept {
  auto tlv = find(tag);
  if (!tlv || tlv->value.size() != 1) return std::nullopt;
  return tlv->value[0];
}

std::optional<std::uint16_t> tlv_list::get_u16(tlv_tag tag) const noexcept {
  auto tlv = find(tag);
  if (!tlv || tlv->value.size() != 2) return std::nullopt;
  return detail::load_u16(tlv->value.data());
}

std::optional<std::uint32_t> tlv_list::get_u32(tlv_tag tag) const noexcept {
  auto tlv = find(tag);
  if (!tlv || tlv->value.size() != 4) return std::nullopt;
  return detail::load_u32(tlv->value.data());
}

std::optional<std::string_view> tlv_list::get_string(tlv_tag tag) const noexcept {
  auto tlv = find(tag);
  if (!tlv) return std::nullopt;
  std::string_view text(reinterpret_cast<const char*>(tlv->value.data()), tlv->value.size());
  // Peers differ on whether they send the NUL of a C-octet string; accept both.
  if (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return text;
}

bool tlv_list::append(tlv_tag tag, std::span<const std::uint8_t> value) {
  if (!length_ok(tag, value.size())) return false;
  std::uint8_t header[header_size];
  detail::store_u16(header, static_cast<std::uint16_t>(tag));
  detail::store_u16(header + 2, static_cast<std::uint16_t>(value.size()));
  bytes_.append(header);
  bytes_.append(value);
  return true;
}

bool tlv_list::set(tlv_tag tag, std::span<const std::uint8_t> value) {
  if (!length_ok(tag, value.size())) return false;
  erase(tag);
  return append(tag, value);
}

bool tlv_list::set_u8(tlv_tag tag, std::uint8_t value) {
  return set(tag, std::span<const std::uint8_t>(&value, 1));
}

bool tlv_list::set_u16(tlv_tag tag, std::uint16_t value) {
  std::uint8_t bytes[2];
  detail::store_u16(bytes, value);
  return set(tag, bytes);
}

bool tlv_list::set_u32(tlv_tag tag, std::uint32_t value) {
  std::uint8_t bytes[4];
  detail::store_u32(bytes, value);
  return set(tag, bytes);
}

bool tlv_list::set_string(tlv_tag tag, std::string_view value) {
  const tlv_info* info = find_tlv_info(tag);
  const bool add_nul = info != nullptr && info->kind == tlv_kind::c_octet_string;
  if (add_nul && value.find('\0') != std::string_view::npos) return false;
  const auto* data = reinterpret_cast<const std::uint8_t*>(value.data());
  if (!add_nul) return set(tag, std::span<const std::uint8_t>(data, value.size()));
  if (!length_ok(tag, value.size() + 1)) return false;
  erase(tag);
  std::uint8_t header[header_size];
  detail::store_u16(header, static_cast<std::uint16_t>(tag));
  detail::store_u16(header + 2, static_cast<std::uint16_t>(value.size() + 1));
  const std::uint8_t nul = 0;
  bytes_.append(header);
  bytes_.append(std::span<const std::uint8_t>(data, value.size()));
  bytes_.append(std::span<const std::uint8_t>(&nul, 1));
  return true;
}

std::size_t tlv_list::erase(tlv_tag tag) {
  std::size_t removed = 0;
  std::size_t offset = 0;
  while (offset < bytes_.size()) {
    const std::uint8_t* at = bytes_.data() + offset;
    const std::size_t length = header_size + detail::load_u16(at + 2);
    if (static_cast<tlv_tag>(detail::load_u16(at)) == tag) {
      bytes_.erase(offset, length);
      ++removed;
    } else {
      offset += length;
    }
  }
  return removed;
}

command_status tlv_list::parse(std::span<const std::uint8_t> wire) {
  const std::uint8_t* at = wire.data();
  const std::uint8_t* const end = at + wire.size();
  while (at != end) {
    if (end - at < static_cast<std::ptrdiff_t>(header_size)) {
      bytes_.clear();
      return command_status::esme_rinvoptparstream;
    }
    const auto tag = static_cast<tlv_tag>(detail::load_u16(at));
    const std::size_t length = detail::load_u16(at + 2);
    at += header_size;
    if (static_cast<std::size_t>(end - at) < length) {
      bytes_.clear();
      return command_status::esme_rinvoptparstream;
    }
    if (!length_ok(tag, length)) {
      bytes_.clear();
      return command_status::esme_rinvparlen;
    }
    at += length;
  }
  bytes_.assign(wire);
  return command_status::esme_rok;
}

}  // namespace smppd::smpp
