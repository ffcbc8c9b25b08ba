#pragma once
// An error of the REST API in GatewayAPI's shape: its code ("0x0222"), the HTTP status it
// goes with, a one-line message and the values it names. Clients written for GatewayAPI
// branch on `code`, so the codes are theirs.

#include <string>
#include <vector>

namespace smppd::rest {

struct rest_error {
  int http_status = 400;
  std::string code;
  std::string message;
  std::vector<std::string> variables;
};

namespace errors {
rest_error missing_parameter(std::string name);                       // 0x0222 400
rest_error unsupported_parameter(std::string name, std::string why);  // 0x0220 400
rest_error duplicate_recipient(std::string msisdn);                   // 0x0310 422
rest_error unknown_class(std::string name);                           // 0x0218 422
rest_error priority_not_available(std::string name);                  // 0x0311 422
rest_error invalid_token();                                           // 0x0229 401
rest_error over_throughput(unsigned per_second);                      // 0x0230 429
rest_error body_too_large(std::size_t limit);                         // 0x0221 413
rest_error not_found(std::string id);                                 // 0x0404 404
rest_error unavailable(std::string why);                              // 0x0500 503
}  // namespace errors

// The response body: {"code", "message", "variables", "incident_uuid"}.
std::string to_json(const rest_error& e, const std::string& incident_uuid);

}  // namespace smppd::rest
