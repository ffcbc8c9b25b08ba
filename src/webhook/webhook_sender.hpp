#pragma once
// Delivers webhooks (status changes, MOs) with the contract's retries: a POST per attempt
// through an http_poster of its own, any 2xx within the timeout is delivered, anything else
// is tried again per retry_schedule and finally dropped. It keeps nothing durable: the
// owner stores each webhook under its key, forgets it on on_delivered / on_dropped, and
// sends the rest again after a restart.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "webhook/http_poster.hpp"

namespace smppd::webhook {

struct webhook {
  std::uint64_t key = 0;  // the owner's id for it, handed back in the callbacks
  std::string url;
  std::string body;    // a JSON object
  std::string secret;  // non-empty: X-Gwapi-Signature carries a JWT of the body's fields
};

struct sender_settings {
  poster_settings poster;
  double retry_scale = 1.0;  // tests only: 0.001 turns the 60 s retry into 60 ms
};

struct sender_callbacks {
  // Both run on the poster's thread and must not throw or block for long: every other
  // webhook waits meanwhile.
  std::function<void(std::uint64_t key)> on_delivered;
  std::function<void(std::uint64_t key, std::string last_error)> on_dropped;
};

struct sender_counters {
  std::uint64_t pending = 0;  // in flight or waiting for a retry
  std::uint64_t delivered = 0;
  std::uint64_t failed_attempts = 0;
  std::uint64_t dropped = 0;
};

class webhook_sender {
 public:
  webhook_sender(sender_settings settings, sender_callbacks callbacks);
  // stop()
  ~webhook_sender();
  webhook_sender(const webhook_sender&) = delete;
  webhook_sender& operator=(const webhook_sender&) = delete;

  // From any thread. A body that is not a JSON object cannot be signed: with a secret it
  // is dropped at once (on_dropped, on the poster's thread) without being sent.
  void send(webhook w);

  // Forgets the pending webhooks without a callback (the owner still has them stored) and
  // stops the poster's thread; no callback runs once this returns. Idempotent; not from a
  // callback (it joins the thread the callbacks run on).
  void stop();

  sender_counters counters() const;

 private:
  struct delivery;

  void attempt(std::shared_ptr<delivery> d);
  void attempted(std::shared_ptr<delivery> d, post_result result);
  void drop(const std::shared_ptr<delivery>& d, std::string error);

  const sender_settings settings_;
  const sender_callbacks callbacks_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> pending_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_attempts_{0};
  std::atomic<std::uint64_t> dropped_{0};
  http_poster poster_;  // last: its thread calls into the members above
};

}  // namespace smppd::webhook
