// What a carrier sends us: a deliver_sm or data_sm classified as receipt or MO (the receipt
// text parsed tolerantly, its id turned into match keys), or a bare receipt text. The first
// octet chooses: 0 = the rest is a PDU frame, anything else = the rest is a receipt text.
#include "carrier/upstream_report.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smpp/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smppd;
  if (size == 0) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  if (data[0] == 0) {
    auto pdu = smpp::decode(rest);
    if (!pdu) return 0;
    const auto report = carrier::classify_upstream(*pdu);
    if (const auto* r = std::get_if<carrier::upstream_receipt>(&report)) {
      for (const auto& key : carrier::upstream_id_candidates(r->id)) {
        (void)carrier::canonical_upstream_id(key);
      }
    }
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  if (const auto r = dlr::parse(text)) (void)carrier::upstream_id_candidates(r->id);
  return 0;
}
