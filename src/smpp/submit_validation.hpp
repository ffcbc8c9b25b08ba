#pragma once
// Policy checks of a decoded submit_sm (the third layer after framing and decoding): the
// rules of contract.md "SMPP behaviour" and the seed. The result is either the exact
// command_status to answer with, or the message in normalised form (destination TON 0
// read as 1, the payload from short_message or message_payload, times resolved, priority
// capped), which is what the gateway stores and routes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.hpp"
#include "smpp/command_status.hpp"
#include "smpp/message_pdus.hpp"
#include "smpp/submit_request.hpp"

namespace smppd::smpp {

// What the account allows.
struct submit_policy {
  std::span<const std::string> allowed_classes;  // values accepted in TLV 0x2900
  std::uint8_t max_priority = 3;                 // higher priority_flag is lowered to this
};

using submit_validation = std::variant<submit_request, command_status>;

// `now` resolves relative schedule and validity times.
submit_validation validate_submit_sm(const submit_sm& pdu, const submit_policy& policy,
                                     wall_time now);

}  // namespace smppd::smpp
