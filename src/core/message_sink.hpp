#pragma once
// The seam between the SMPP front and the rest of the gateway: an accepted submit_sm goes
// here as a message_record (id, account and submit time set by the session), and the
// session answers ESME_ROK only when `done` is called with it. The gateway engine
// implements it with the durable store; `counting_sink` keeps nothing.

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/records.hpp"
#include "smpp/command_status.hpp"

namespace smppd::core {

class message_sink {
 public:
  virtual ~message_sink() = default;
  // `done` may run on any thread, before or after accept returns; ESME_ROK means durable.
  virtual void accept(message_record message, std::function<void(smpp::command_status)> done) = 0;
};

// Keeps nothing: counts what it was given. For benchmarking the SMPP front alone
// (`smppd serve --discard`).
class counting_sink final : public message_sink {
 public:
  void accept(message_record, std::function<void(smpp::command_status)> done) override {
    accepted_.fetch_add(1, std::memory_order_relaxed);
    done(smpp::command_status::esme_rok);
  }
  std::uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> accepted_{0};
};

}  // namespace smppd::core
