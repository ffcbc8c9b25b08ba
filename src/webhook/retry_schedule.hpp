#pragma once
// When a failed webhook is tried again (contract, "Status webhooks"): 60 s, 120 s, 360 s,
// 24 min, 2 h and 12 h after the failed attempts, then it is given up. Pure: the sender
// keeps the count and the timers.

#include <array>
#include <chrono>
#include <cmath>
#include <optional>

namespace smppd::webhook {

inline constexpr std::array<std::chrono::seconds, 6> retry_delays{
    std::chrono::seconds(60), std::chrono::seconds(120), std::chrono::seconds(360),
    std::chrono::minutes(24), std::chrono::hours(2),     std::chrono::hours(12)};

// The wait before the next attempt once `failed_attempts` attempts (counting the one that
// just failed) have failed, or nullopt when that was the last one and the webhook is
// dropped. `scale` shrinks the schedule for tests (0.001: 60 ms, 120 ms, ...); no failure
// yet means no wait.
inline std::optional<std::chrono::milliseconds> delay_after_failure(unsigned failed_attempts,
                                                                    double scale = 1.0) {
  if (failed_attempts == 0) return std::chrono::milliseconds(0);
  if (failed_attempts > retry_delays.size()) return std::nullopt;
  const auto full = std::chrono::milliseconds(retry_delays[failed_attempts - 1]);
  return std::chrono::milliseconds(
      std::llround(static_cast<double>(full.count()) * (scale > 0 ? scale : 0.0)));
}

}  // namespace smppd::webhook
