#pragma once
// A submit_sm after validation, in the normalised form the gateway stores and routes:
// destination TON 0 read as 1, the payload from short_message or message_payload, times
// resolved, priority capped. Its field list (`visit`) is the one place the message's fields
// are named: the store's columns, binder and reader are driven by it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace smppd::smpp {

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
  // TLV 0x0204 as submitted (echoed verbatim in the receipt), and its text form for the
  // receipt's text field: the decimal value of a 2-octet integer, else the octets.
  std::vector<std::uint8_t> user_message_reference;
  std::string message_class;  // TLV 0x2900

  bool has_user_message_reference() const { return !user_message_reference.empty(); }
  std::string user_message_reference_text() const;

  template <class Self, class V>
  static void visit(Self& self, V&& v) {
    v("source_addr_ton", self.source_addr_ton);
    v("source_addr_npi", self.source_addr_npi);
    v("source_addr", self.source_addr);
    v("dest_addr_ton", self.dest_addr_ton);
    v("dest_addr_npi", self.dest_addr_npi);
    v("destination_addr", self.destination_addr);
    v("service_type", self.service_type);
    v("esm_class", self.esm_class);
    v("protocol_id", self.protocol_id);
    v("requested_priority", self.requested_priority);
    v("priority", self.priority);
    v("schedule_delivery_time", self.schedule_delivery_time);
    v("validity_period", self.validity_period);
    v("registered_delivery", self.registered_delivery);
    v("data_coding", self.data_coding);
    v("flash", self.flash);
    v("payload", self.payload);
    v("user_message_reference", self.user_message_reference);
    v("message_class", self.message_class);
  }
  friend bool operator==(const submit_request&, const submit_request&) = default;
};

}  // namespace smppd::smpp
