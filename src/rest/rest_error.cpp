#include "rest/rest_error.hpp"

#include <nlohmann/json.hpp>

namespace smppd::rest {
namespace errors {

rest_error missing_parameter(std::string name) {
  return {400, "0x0222", "missing parameter: " + name, {std::move(name)}};
}
rest_error unsupported_parameter(std::string name, std::string why) {
  return {400, "0x0220", "unsupported parameter " + name + ": " + why, {std::move(name)}};
}
rest_error duplicate_recipient(std::string msisdn) {
  return {422, "0x0310", "duplicate recipient: " + msisdn, {std::move(msisdn)}};
}
rest_error unknown_class(std::string name) {
  return {422, "0x0218", "message class not available to this account: " + name, {std::move(name)}};
}
rest_error priority_not_available(std::string name) {
  return {422, "0x0311", "priority not available: " + name, {std::move(name)}};
}
rest_error invalid_token() { return {401, "0x0229", "invalid or missing API token", {}}; }
rest_error over_throughput(unsigned per_second) {
  return {429,
          "0x0230",
          "over the account's throughput limit of " + std::to_string(per_second) +
              " messages per second",
          {std::to_string(per_second)}};
}
rest_error body_too_large(std::size_t limit) {
  return {413,
          "0x0221",
          "request body larger than " + std::to_string(limit) + " bytes",
          {std::to_string(limit)}};
}
rest_error not_found(std::string id) {
  return {404, "0x0404", "no such message: " + id, {std::move(id)}};
}
rest_error unavailable(std::string why) { return {503, "0x0500", std::move(why), {}}; }

}  // namespace errors

std::string to_json(const rest_error& e, const std::string& incident_uuid) {
  return nlohmann::json{{"code", e.code},
                        {"message", e.message},
                        {"variables", e.variables},
                        {"incident_uuid", incident_uuid}}
      .dump();
}

}  // namespace smppd::rest
