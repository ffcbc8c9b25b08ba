#pragma once
// What a carrier tells us, read without I/O (contract, "Carriers"): whether a deliver_sm or
// data_sm is a receipt and what it says, how its id is matched against the ids the
// carrier gave in submit_sm_resp, and which submit_sm_resp statuses are worth a retry.
// The tables behind the gateway error codes are in docs/carriers.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dlr/receipt.hpp"
#include "smpp/pdu.hpp"

namespace smppd::carrier {

struct upstream_receipt {
  std::string id;  // as the carrier wrote it
  dlr::receipt_status status = dlr::receipt_status::unknown;
  std::uint32_t gateway_error = 0;  // ours, mapped from the carrier's (0 = none)
};
// esm_class 0x04 or receipted_message_id, but no id or no state can be read from it.
struct unreadable_receipt {};
// Anything else: an MO.
struct not_a_receipt {};

using upstream_report = std::variant<upstream_receipt, unreadable_receipt, not_a_receipt>;

// A deliver_sm or data_sm from a carrier. A receipt has esm_class bit 0x04 or a
// receipted_message_id TLV. Its id: the receipted_message_id TLV, else the text's `id:`;
// its state: the message_state TLV, else `stat:`; its error: the network_error_code TLV,
// else `err:`. The text is short_message, else the message_payload TLV.
upstream_report classify_upstream(const smpp::pdu& pdu);

// The key an upstream id is filed under: lower case, leading zeros and trailing NULs and
// spaces dropped ("0" for zeros only).
std::string canonical_upstream_id(std::string_view id);
// The keys to try for an id in a receipt, in order: its canonical form; read as decimal
// (when it is digits and fits 64 bits) its hex form; read as hex (when it is hex digits and
// fits 64 bits) its decimal form. No duplicates.
std::vector<std::string> upstream_id_candidates(std::string_view receipt_id);

// A network error (network_error_code's code, or the text's err) as our gateway error
// code: 0 stays 0; err values that are the low 12 bits of a gateway SMS error code we know
// (a carrier speaking this convention, e.g. another smppd) come back as that code; any
// other value is 0x1001 (unknown error).
std::uint32_t gateway_error_for_network_error(std::uint32_t code) noexcept;

enum class failure_kind : std::uint8_t { temporary, permanent };
// ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR and ESME_RX_T_APPN are temporary (retry
// with back-off); every other error status is permanent (the route's next carrier).
failure_kind classify_submit_status(smpp::command_status status) noexcept;
// A permanent submit_sm_resp status as the gateway error code of the REJECTD receipt
// (e.g. ESME_RINVDSTADR -> 0x1060); unmapped -> 0x107E.
std::uint32_t gateway_error_for_submit_status(smpp::command_status status) noexcept;

}  // namespace smppd::carrier
