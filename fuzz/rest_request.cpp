// Any bytes as a /rest/mtsms body (JSON, and form-encoded) and as a query string: the
// reader must answer with requests or an error, never crash; what it reads must compose.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rest/compose.hpp"
#include "rest/sms_request.hpp"

namespace {

void compose_all(const smppd::rest::parse_result& parsed) {
  using namespace smppd;
  static const std::vector<std::string> classes{"standard", "premium"};
  const auto* requests = std::get_if<std::vector<rest::sms_request>>(&parsed);
  if (!requests) return;
  for (const auto& r : *requests) {
    (void)rest::compose(r, {"fuzz", classes, 2, ""}, wall_time(std::chrono::seconds(1)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smppd;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  compose_all(rest::parse_json(text));
  if (const auto fields = rest::parse_urlencoded(text)) compose_all(rest::parse_fields(*fields));
  return 0;
}
