#pragma once
// The seam for receipts, the other direction of message_sink: receiver and transceiver
// sessions register here, receipts come to them through receipt_target::deliver, and their
// deliver_sm_resp go back through acked. The gateway engine (src/gateway) implements it.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/records.hpp"

namespace smppd::core {

using receipt_ptr = std::shared_ptr<const receipt_record>;

// A session that can carry receipts. Thread-safe: deliver is called from any thread.
class receipt_target {
 public:
  virtual ~receipt_target() = default;
  // Send these as deliver_sm. A receipt the session cannot send (it is closing) is simply
  // dropped: the session's detach puts everything it was given back in the queue.
  virtual void deliver(std::vector<receipt_ptr> receipts) = 0;
};

struct receipt_ack {
  std::uint64_t receipt_id;
  bool ok;  // deliver_sm_resp ESME_ROK; false: an error status or no answer in time
};

class receipt_source {
 public:
  virtual ~receipt_source() = default;
  // A receiver or transceiver of `system_id` bound; it takes at most `window` unacknowledged.
  virtual void attach(std::uint64_t session, std::string_view system_id, std::uint32_t window,
                      std::weak_ptr<receipt_target> target) = 0;
  // The session ends: what it carries unacknowledged goes to another session at once.
  // Unknown sessions are ignored, so calling it twice is harmless.
  virtual void detach(std::uint64_t session) = 0;
  virtual void acked(std::uint64_t session, std::span<const receipt_ack> acks) = 0;
};

// No receipts at all (tests and benchmarks of the SMPP front alone).
class no_receipts final : public receipt_source {
 public:
  void attach(std::uint64_t, std::string_view, std::uint32_t,
              std::weak_ptr<receipt_target>) override {}
  void detach(std::uint64_t) override {}
  void acked(std::uint64_t, std::span<const receipt_ack>) override {}
};

}  // namespace smppd::core
