#pragma once
// From a message's outcome to the receipt the client gets: whether registered_delivery asks
// for one, the receipt record that is stored and queued, and the deliver_sm sent from it
// (contract, "Delivery receipts"). Pure functions, no I/O.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/clock.hpp"
#include "core/message_store.hpp"
#include "dlr/receipt.hpp"
#include "smpp/message_pdus.hpp"

namespace smppd::dlr {

// registered_delivery (SMPP 3.4 section 5.2.17): bits 0-1 select the final receipt
// (0 none, 1 always, 2 on failure only; 3 is reserved and validation refuses it), bit 4
// (0x10) asks for intermediate reports (ENROUTE, BUFFERD) too.
inline constexpr std::uint8_t registered_delivery_receipt_mask = 0x03;
inline constexpr std::uint8_t registered_delivery_intermediate = 0x10;

// Whether a message submitted with `registered_delivery` gets a receipt for `status`.
bool wants_receipt(std::uint8_t registered_delivery, receipt_status status) noexcept;

// The receipt's text field from user_message_reference as submitted: its decimal value when
// it is 2 octets (an integer), else the octets themselves (a byte outside printable ASCII
// becomes '?', so the text stays ASCII); the first 20 characters; empty without one.
std::string reference_text(std::span<const std::uint8_t> user_message_reference);

// network_error_code (0x0423) network type: 3 = GSM (section 5.3.2.31).
inline constexpr std::uint8_t network_type_gsm = 3;

// The receipt for a message's outcome, or nullopt when registered_delivery does not ask for
// it. id = the decimal message id; source = the message's destination (TON as stored, 1),
// destination = its source; created_at = done_at; receipt_id is left 0 (the store assigns).
std::optional<core::receipt_record> receipt_for(const core::message_record& message,
                                                receipt_status status, std::uint32_t error,
                                                wall_time done_at);

// The status webhook for a message's outcome (REST messages, accounts with a webhook), or
// nullopt without a callback_url: a record with webhook_url = callback_url, message_id =
// the id the client knows (webhook_id), source_addr = the recipient, text = GatewayAPI's
// status name, user_message_reference = the userref's octets, created_at = done_at.
std::optional<core::receipt_record> webhook_for(const core::message_record& message,
                                                receipt_status status, std::uint32_t error,
                                                wall_time done_at);

// The SCHEDULED webhook of a message accepted with a delivery time in the future (a REST
// sendtime, an SMPP schedule_delivery_time), when it has a callback_url; message_state 0,
// SMPP 5.0's SCHEDULED (3.4 has no value for it).
std::optional<core::receipt_record> scheduled_webhook_for(const core::message_record& message);

// GatewayAPI's name of a status: DELIVERED, UNDELIVERABLE, ENROUTE, BUFFERED, ...
std::string_view webhook_status(receipt_status status) noexcept;

// The deliver_sm carrying a receipt: esm_class 0x04, data_coding 0, short_message = text,
// TLVs receipted_message_id (0x001E), message_state (0x0427), network_error_code (0x0423:
// GSM, then err = error & 0xFFF as 2 octets, as in the text) when there is an error, and
// user_message_reference (0x0204) exactly as submitted when there was one.
// An MO record (receipt.is_mo()) goes as make_mo_deliver_sm says.
smpp::deliver_sm make_deliver_sm(const core::receipt_record& receipt);

// The deliver_sm carrying an MO: source, destination, esm_class and data_coding as stored,
// the payload in short_message up to 254 octets, else in message_payload (0x0424);
// user_message_reference when it came with one; no receipt TLVs.
smpp::deliver_sm make_mo_deliver_sm(const core::receipt_record& mo);

}  // namespace smppd::dlr
