#pragma once
// Time as a value passed in: protocol cores, timers and throttles take `now` as an argument
// so tests can step it without sleeping. Components with threads of their own (the engine,
// the store) read it from a `wall_clock` they are given: the system's in production, a
// manual_clock in tests.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace smppd {

using steady_time = std::chrono::steady_clock::time_point;
using wall_time = std::chrono::system_clock::time_point;

class wall_clock {
 public:
  virtual ~wall_clock() = default;
  virtual wall_time now() const = 0;
};

// Seconds since 1970 (the REST API's and the admin API's timestamps).
inline std::int64_t unix_seconds(wall_time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The real wall clock.
const wall_clock& system_wall_clock() noexcept;

// A clock that moves only when told to (tests). Thread-safe.
class manual_clock final : public wall_clock {
 public:
  explicit manual_clock(wall_time start = wall_time(std::chrono::hours(24 * 365 * 55)))
      : now_(start) {}
  wall_time now() const override { return now_.load(); }
  void advance(std::chrono::nanoseconds by) { now_.store(now_.load() + by); }
  void set(wall_time t) { now_.store(t); }

 private:
  std::atomic<wall_time> now_;
};

}  // namespace smppd
