#pragma once
// A stored message as the submit_sm PDUs a carrier receives (contract, "Carriers"): our
// normalised message back on the wire, registered_delivery 1 (we need every receipt to
// report to the customer whatever the customer asked for), destination TON 1 / NPI 1, the
// message's data_coding and payload, priority, validity as an absolute time, and
// dest_addr_subunit; never message_class (0x2900, ours) nor user_message_reference (0x0204,
// the customer's: it comes back in our receipt, not the carrier's). Pure.

#include <cstdint>
#include <vector>

#include "core/records.hpp"
#include "smpp/message_pdus.hpp"

namespace smppd::upstream {

// How a message longer than one SMS goes: concatenated parts (UDH, 8-bit reference, one
// submit_sm and one upstream receipt per part) or one submit_sm with message_payload.
enum class long_messages : std::uint8_t { udh, payload };

// The PDUs, in part order (one unless split). `reference` is the concatenation reference
// (its low octet is used). A message the customer sent with its own UDH (esm_class 0x40)
// is passed on as one PDU, unsplit.
std::vector<smpp::submit_sm> build_submits(const core::message_record& message, long_messages mode,
                                           std::uint16_t reference);

// "YYMMDDhhmmss000+": an absolute SMPP time in UTC (section 7.1.1.1).
std::string format_absolute_time(wall_time t);

}  // namespace smppd::upstream
