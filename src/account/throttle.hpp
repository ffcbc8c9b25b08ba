#pragma once
// Per-account submit throughput limit as a token bucket, a pure function of `now`.
// Burst: one second's worth of tokens, so a client that spreads its load evenly is never
// refused, while one that fires a second's quota at once gets ESME_RTHROTTLED beyond it.

#include <cstdint>

#include "common/clock.hpp"

namespace smppd::account {

class throttle {
 public:
  // per_second 0 means unlimited.
  explicit throttle(std::uint32_t per_second, steady_time now);

  bool try_acquire(steady_time now) { return try_acquire(now, 1); }
  // n messages at once (a REST request with n recipients): all or none.
  bool try_acquire(steady_time now, std::uint32_t n);
  std::uint32_t per_second() const { return per_second_; }

 private:
  std::uint32_t per_second_;
  double tokens_;
  steady_time last_;
};

}  // namespace smppd::account
