#pragma once
// A REST message as the gateway's messages: one message_record per recipient, the text
// encoded as GSM 03.38 where every character fits (else UCS-2) and counted in parts, the
// account's rules applied as SMPP applies them (classes, priority cap). Ids are the
// caller's (they come from the node's generator). Pure.

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.hpp"
#include "core/records.hpp"
#include "rest/rest_error.hpp"
#include "rest/sms_request.hpp"

namespace smppd::rest {

struct account_policy {
  std::string system_id;
  std::span<const std::string> classes;  // allowed message classes
  std::uint8_t max_priority = 3;         // higher is lowered to this, as for SMPP
  std::string webhook_url;               // the account's, when the request has no callback_url
};

// Without a sender in the request; GatewayAPI has a default too.
inline constexpr std::string_view default_sender = "smppd";

using compose_result = std::variant<std::vector<core::message_record>, rest_error>;

compose_result compose(const sms_request& request, const account_policy& account, wall_time now);

}  // namespace smppd::rest
