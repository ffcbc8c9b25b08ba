#include "carrier/upstream_report.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace smppd::carrier {
namespace {

using smpp::command_status;

constexpr std::uint8_t esm_receipt = 0x04;

// Gateway SMS error codes a carrier may hand back as err (code & 0xFFF): the generic ones
// (0x1001-0x1009) and the ones this gateway itself reports.
constexpr std::array<std::uint32_t, 11> known_gateway_errors{
    0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007, 0x1008, 0x1009, 0x1060, 0x107E};

std::string_view trim_trailing(std::string_view s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

template <class Body>
std::string_view text_of(const Body& body) {
  if constexpr (requires { body.short_message; }) {
    if (!body.short_message.view().empty()) return body.short_message.view();
  }
  if (const auto payload = body.tlvs.find(smpp::tlv_tag::message_payload)) {
    return {reinterpret_cast<const char*>(payload->value.data()), payload->value.size()};
  }
  return {};
}

template <class Body>
upstream_report classify(const Body& body) {
  const auto tlv_id = body.tlvs.get_string(smpp::tlv_tag::receipted_message_id);
  if ((body.esm_class & esm_receipt) == 0 && !tlv_id) return not_a_receipt{};
  const auto text = dlr::parse(text_of(body));
  upstream_receipt r;
  if (tlv_id && !trim_trailing(*tlv_id).empty()) {
    r.id = std::string(trim_trailing(*tlv_id));
  } else if (text && !text->id.empty()) {
    r.id = text->id;
  } else {
    return unreadable_receipt{};
  }
  std::optional<dlr::receipt_status> status;
  if (const auto state = body.tlvs.get_u8(smpp::tlv_tag::message_state)) {
    status = dlr::from_message_state(*state);
  }
  if (!status && text) status = text->stat;
  if (!status) return unreadable_receipt{};
  r.status = *status;
  const auto network = body.tlvs.find(smpp::tlv_tag::network_error_code);
  if (network && network->value.size() == 3) {
    r.gateway_error = gateway_error_for_network_error((std::uint32_t{network->value[1]} << 8) |
                                                      network->value[2]);
  } else if (text) {
    r.gateway_error = gateway_error_for_network_error(text->err);
  }
  return r;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::uint64_t> parse_base(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string in_base(std::uint64_t v, int base) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v, base);
  return std::string(buffer.data(), end);
}

}  // namespace

upstream_report classify_upstream(const smpp::pdu& pdu) {
  if (const auto* d = pdu.get_if<smpp::deliver_sm>()) return classify(*d);
  if (const auto* d = pdu.get_if<smpp::data_sm>()) return classify(*d);
  return not_a_receipt{};
}

std::string canonical_upstream_id(std::string_view id) {
  id = trim_trailing(id);
  std::string out = to_lower(id);
  const auto first = out.find_first_not_of('0');
  if (first == std::string::npos) return out.empty() ? out : "0";
  return out.substr(first);
}

std::vector<std::string> upstream_id_candidates(std::string_view receipt_id) {
  std::vector<std::string> out;
  const auto add = [&out](std::string key) {
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(std::move(key));
  };
  const auto canonical = canonical_upstream_id(receipt_id);
  add(canonical);
  if (const auto decimal = parse_base(canonical, 10)) add(in_base(*decimal, 16));
  if (const auto hex = parse_base(canonical, 16)) add(in_base(*hex, 10));
  return out;
}

std::uint32_t gateway_error_for_network_error(std::uint32_t code) noexcept {
  if (code == 0) return 0;
  const std::uint32_t gateway = 0x1000 + (code & 0xFFF);
  if (code <= 0xFFF && std::find(known_gateway_errors.begin(), known_gateway_errors.end(),
                                 gateway) != known_gateway_errors.end()) {
    return gateway;
  }
  return 0x1001;
}

failure_kind classify_submit_status(command_status status) noexcept {
  switch (status) {
    case command_status::esme_rthrottled:
    case command_status::esme_rmsgqful:
    case command_status::esme_rsyserr:
    case command_status::esme_rx_t_appn:
      return failure_kind::temporary;
    default:
      return failure_kind::permanent;
  }
}

std::uint32_t gateway_error_for_submit_status(command_status status) noexcept {
  switch (status) {
    case command_status::esme_rinvdstadr:
    case command_status::esme_rinvdstton:
    case command_status::esme_rinvdstnpi:
      return 0x1060;  // invalid destination address
    case command_status::esme_rinvsrcadr:
    case command_status::esme_rinvsrcton:
    case command_status::esme_rinvsrcnpi:
    case command_status::esme_rinvmsglen:
    case command_status::esme_rinvdcs:
    case command_status::esme_rinvesmclass:
    case command_status::esme_rinvprtflg:
    case command_status::esme_rinvregdlvflg:
    case command_status::esme_rinvexpiry:
    case command_status::esme_rinvsched:
    case command_status::esme_rinvsertyp:
    case command_status::esme_rinvoptparstream:
    case command_status::esme_roptparnotallwd:
    case command_status::esme_rinvparlen:
    case command_status::esme_rmissingoptparam:
    case command_status::esme_rinvoptparamval:
      return 0x1008;  // invalid argument
    case command_status::esme_rinvbndsts:
    case command_status::esme_rx_p_appn:
      return 0x1007;  // permission denied
    case command_status::esme_rx_r_appn:
      return 0x1003;  // operation not permitted
    default:
      return 0x107E;
  }
}

}  // namespace smppd::carrier
