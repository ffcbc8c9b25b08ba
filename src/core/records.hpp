#pragma once
// The records a message and a receipt are, shared by every module that handles them (the
// engine, the store backends, the carrier side and the receipt dispatcher).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "smpp/submit_request.hpp"

namespace smppd::core {

// Where a message is in its life. Values are stored: never renumber.
enum class message_state : std::uint8_t {
  accepted = 0,   // durable, waiting for its schedule time or the carrier
  enroute = 1,    // handed to the carrier
  delivered = 2,  // final states from here on
  expired = 3,
  deleted = 4,
  undeliverable = 5,
  accepted_final = 6,  // ACCEPTD
  unknown = 7,
  rejected = 8,
};

bool is_final(message_state s) noexcept;

// A message: the accepted submit_sm in its normalised form (the base) and what the gateway
// knows of it. `visit` lists every field once; the store's columns come from it.
struct message_record : smpp::submit_request {
  std::uint64_t id = 0;
  std::string system_id;
  wall_time submitted_at{};
  std::uint16_t parts = 1;
  message_state state = message_state::accepted;
  std::optional<wall_time> done_at;
  std::uint32_t error_code = 0;  // gateway error code, e.g. 0x107E
  std::string carrier;           // the carrier it was handed to ("" = none yet)
  std::string upstream_id;       // the carrier's message_id for it
  // Status webhooks (REST, or an account with a webhook): each status change is POSTed to
  // callback_url ("" = none) naming batch_id, the id the REST client was given for all the
  // recipients of one message object (0 = this message's own id), and its userref.
  std::uint64_t batch_id = 0;
  std::string callback_url;
  std::string userref;

  std::uint64_t webhook_id() const noexcept { return batch_id != 0 ? batch_id : id; }

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v("id", self.id);
    v("system_id", self.system_id);
    smpp::submit_request::visit(self, v);
    v("submitted_at", self.submitted_at);
    v("parts", self.parts);
    v("state", self.state);
    v("done_at", self.done_at);
    v("error_code", self.error_code);
    v("carrier", self.carrier);
    v("upstream_id", self.upstream_id);
    // Last, and optional in older journals (before the REST API): see store/journal.
    v("batch_id", self.batch_id);
    v("callback_url", self.callback_url);
    v("userref", self.userref);
  }
  friend bool operator==(const message_record&, const message_record&) = default;
};

// A deliver_sm waiting for a receiver's deliver_sm_resp: a delivery receipt, or an MO from
// a carrier (esm_class without 0x04; then `text` holds its payload octets as received and
// message_id, message_state and network_error are 0). The deliver_sm is built from these
// fields when it is sent, so a record is small and self-contained.
//
// With a webhook_url it goes out as an HTTP POST instead (src/webhook): a status webhook
// (message_id = the REST id, source_addr = the recipient, text = the userref) or an MO.
struct receipt_record {
  std::uint64_t receipt_id = 0;  // assigned by the store, increasing
  std::string system_id;
  std::uint64_t message_id = 0;
  std::string text;                  // the receipt's short_message text (dlr::format)
  std::uint8_t message_state = 0;    // the TLV value (2 DELIVRD, ...)
  std::uint32_t network_error = 0;   // gateway error code; 0 = none
  std::uint8_t source_addr_ton = 0;  // the receipt's source = the message's destination
  std::uint8_t source_addr_npi = 0;
  std::string source_addr;
  std::uint8_t dest_addr_ton = 0;  // the receipt's destination = the message's source
  std::uint8_t dest_addr_npi = 0;
  std::string destination_addr;
  std::vector<std::uint8_t> user_message_reference;
  wall_time created_at{};
  std::uint8_t esm_class = 0x04;  // 0x04 a receipt; 0x00 or 0x40 (UDH) an MO
  std::uint8_t data_coding = 0;
  std::string webhook_url;  // "" = a deliver_sm to a receiver session

  bool is_webhook() const noexcept { return !webhook_url.empty(); }
  bool is_mo() const noexcept { return (esm_class & 0x04) == 0; }

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v("receipt_id", self.receipt_id);
    v("system_id", self.system_id);
    v("message_id", self.message_id);
    v("text", self.text);
    v("message_state", self.message_state);
    v("network_error", self.network_error);
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v("source_addr", self.source_addr);
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v("destination_addr", self.destination_addr);
    v("user_message_reference", self.user_message_reference);
    v("created_at", self.created_at);
    // Last, and optional in older journals (before MO): see store/journal.
    v("esm_class", self.esm_class);
    v("data_coding", self.data_coding);
    v("webhook_url", self.webhook_url);  // optional too: before the REST API
  }
  friend bool operator==(const receipt_record&, const receipt_record&) = default;
};

}  // namespace smppd::core
