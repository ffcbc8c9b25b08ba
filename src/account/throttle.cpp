#include "account/throttle.hpp"

#include <algorithm>

namespace smppd::account {

throttle::throttle(std::uint32_t per_second, steady_time now)
    : per_second_(per_second), tokens_(per_second), last_(now) {}

bool throttle::try_acquire(steady_time now, std::uint32_t n) {
  if (per_second_ == 0) return true;
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(per_second_, tokens_ + elapsed * per_second_);
    last_ = now;
  }
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

}  // namespace smppd::account
