#pragma once
// THE SEAM between the SMPP front and the rest of the gateway: an accepted submit_sm goes
// here, and the session answers ESME_ROK only when `done` is called with it. Issue 4
// replaces the in-memory sink with the durable store (group commit) and the carrier
// scheduler; nothing in the session changes.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/message_id.hpp"
#include "smpp/command_status.hpp"
#include "smpp/submit_validation.hpp"

namespace smppd::server {

struct accepted_message {
  std::uint64_t id;
  std::string system_id;
  wall_time submitted_at;
  smpp::submit_request request;
};

class message_sink {
 public:
  virtual ~message_sink() = default;
  // `done` may run on any thread, before or after accept returns; ESME_ROK means durable.
  virtual void accept(accepted_message message, std::function<void(smpp::command_status)> done) = 0;
};

// Keeps nothing: counts what it was given. For benchmarking the SMPP front alone
// (`smppd serve --discard`).
class counting_sink final : public message_sink {
 public:
  void accept(accepted_message, std::function<void(smpp::command_status)> done) override {
    accepted_.fetch_add(1, std::memory_order_relaxed);
    done(smpp::command_status::esme_rok);
  }
  std::uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> accepted_{0};
};

}  // namespace smppd::server
