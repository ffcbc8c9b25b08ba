#pragma once
// An MO (a deliver_sm or data_sm from a carrier that is not a receipt) as the record queued
// for the customer's receiver sessions (contract, "MO"): source, destination, data_coding
// and payload as received; esm_class 0x40 when the payload starts with a UDH, else 0. Pure.

#include <optional>

#include "core/records.hpp"
#include "smpp/pdu.hpp"

namespace smppd::upstream {

// nullopt for anything but a deliver_sm or data_sm. system_id and created_at are left for
// the caller (the mo_route's account, the time of arrival).
std::optional<core::receipt_record> mo_record(const smpp::pdu& pdu);

}  // namespace smppd::upstream
