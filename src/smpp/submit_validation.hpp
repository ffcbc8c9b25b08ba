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

namespace smppd::smpp {

// What the account allows.
struct submit_policy {
  std::span<const std::string> allowed_classes;  // values accepted in TLV 0x2900
  std::uint8_t max_priority = 3;                 // higher priority_flag is lowered to this
};

struct submit_request {
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string source_addr;
  std::uint8_t dest_addr_ton = 1;  // 0 on the wire is stored as 1
  std::uint8_t dest_addr_npi = 0;
  std::string destination_addr;
  std::string service_type;
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t requested_priority = 0;
  std::uint8_t priority = 0;  // after the account's overwrite
  std::optional<wall_time> schedule_delivery_time;
  std::optional<wall_time> validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t data_coding = 0;
  bool flash = false;                 // data_coding 0x18/0xF0, or dest_addr_subunit 1
  std::vector<std::uint8_t> payload;  // short_message, or the message_payload TLV
  bool payload_from_tlv = false;
  // TLV 0x0204 as submitted (echoed verbatim in the receipt), and its text form for the
  // receipt's text field: the decimal value of a 2-octet integer, else the octets.
  std::vector<std::uint8_t> user_message_reference;
  std::string message_class;

  bool has_user_message_reference() const { return !user_message_reference.empty(); }
  std::string user_message_reference_text() const;
};

using submit_validation = std::variant<submit_request, command_status>;

// `now` resolves relative schedule and validity times.
submit_validation validate_submit_sm(const submit_sm& pdu, const submit_policy& policy,
                                     wall_time now);

}  // namespace smppd::smpp
