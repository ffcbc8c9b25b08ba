#pragma once
// From a UTF-8 text to the submit_sm PDUs that carry it: GSM-7 when every character fits,
// else UCS-2; a text too long for one SMS goes as one submit_sm with the message_payload TLV
// or as concatenated parts (UDH, esm_class 0x40), as the caller chooses. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "smpp/message_pdus.hpp"

namespace smppd::client {

enum class long_text : std::uint8_t { payload, concat };

struct message_spec {
  std::string from = "smppd";  // digits (an optional '+') -> TON 1/NPI 1, else alphanumeric TON 5
  std::string to;              // digits, an optional leading '+'; TON 1/NPI 1
  std::string text;            // UTF-8
  std::uint8_t registered_delivery = 0;
  long_text long_mode = long_text::concat;
  std::uint16_t concat_reference = 0;  // the same in every part
  std::optional<std::uint16_t> user_message_reference;
};

// Sets source_addr(_ton/_npi); false when the address does not fit (20 characters).
bool set_source(smpp::submit_sm& sm, std::string_view from);
// Sets destination_addr(_ton/_npi); false when it does not fit.
bool set_destination(smpp::submit_sm& sm, std::string_view to);

// The PDUs, in order. Errors: the text's (invalid UTF-8, too many parts) and
// std::errc::invalid_argument for an address that does not fit.
result<std::vector<smpp::submit_sm>> build_submits(const message_spec& spec);

}  // namespace smppd::client
