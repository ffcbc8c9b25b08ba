#pragma once
// The JSON bodies smppd POSTs, in GatewayAPI's shape, from the stored webhook records
// (core::receipt_record with a webhook_url; see dlr::webhook_for):
//   status: {"id", "msisdn", "time", "status", "error", "code", "userref"}
//   MO:     {"id", "msisdn", "receiver", "message", "senttime", "encoding"}

#include <string>

#include "core/records.hpp"

namespace smppd::rest {

std::string webhook_body(const core::receipt_record& record);

}  // namespace smppd::rest
