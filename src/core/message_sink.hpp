#pragma once
// The seam between the SMPP front and the rest of the gateway: an accepted submit_sm goes
// here as a message_record (id, account and submit time set by the session), and the
// session answers ESME_ROK only when `done` is called with it. The gateway engine
// implements it with the durable store; `counting_sink` keeps nothing.
//
// Messages that arrive together (the submit_sm of one read from a socket, the recipients of
// one REST request) are handed over together: one store write and one completion for all
// of them, not one hand-over, allocation and cross-thread post per message.

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/records.hpp"
#include "smpp/command_status.hpp"

namespace smppd::core {

class message_sink {
 public:
  virtual ~message_sink() = default;
  // `done` gets one status per message, in the order given; it runs once, on any thread,
  // before or after accept returns. ESME_ROK means durable.
  using batch_done = std::function<void(std::span<const smpp::command_status>)>;
  virtual void accept(std::vector<message_record> messages, batch_done done) = 0;

  // One message (tests, tools).
  void accept(message_record message, std::function<void(smpp::command_status)> done) {
    std::vector<message_record> one;
    one.push_back(std::move(message));
    accept(std::move(one),
           [done = std::move(done)](std::span<const smpp::command_status> s) { done(s.front()); });
  }
};

// Keeps nothing: counts what it was given. For benchmarking the SMPP front alone
// (`smppd serve --discard`).
class counting_sink final : public message_sink {
 public:
  using message_sink::accept;
  void accept(std::vector<message_record> messages, batch_done done) override {
    accepted_.fetch_add(messages.size(), std::memory_order_relaxed);
    const std::vector<smpp::command_status> statuses(messages.size(),
                                                     smpp::command_status::esme_rok);
    done(statuses);
  }
  std::uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> accepted_{0};
};

}  // namespace smppd::core
