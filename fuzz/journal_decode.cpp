// Any bytes as a stored journal row: expand() (a compressed row) and decode() must refuse
// or read them without crashing, and whatever they read must encode again.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "store/journal/journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smppd;
  store::journal::encoder again;
  std::vector<std::uint8_t> scratch;
  const auto batch = store::journal::expand({data, size}, scratch);
  if (!batch) return 0;
  store::journal::decode(*batch, [&](core::message_step&& step) {
    if (auto* a = std::get_if<core::message_accepted>(&step)) {
      again.accepted(a->message);
    } else if (auto* e = std::get_if<core::message_enroute>(&step)) {
      again.enroute(*e);
    } else if (auto* f = std::get_if<core::message_finished>(&step)) {
      again.finished(*f, f->receipt ? f->receipt->receipt_id : 0);
    } else if (auto* m = std::get_if<core::mo_received>(&step)) {
      again.mo_received(m->mo, m->mo.receipt_id);
    } else {
      again.receipt_removed(std::get<core::receipt_acknowledged>(step).receipt_id);
    }
  });
  return 0;
}
