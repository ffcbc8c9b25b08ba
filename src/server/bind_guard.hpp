#pragma once
// Failed-bind throttling, pure (time is an argument, no locking: the authenticator holds
// its mutex around it). Failures are counted per peer address and per system_id; after
// the second failure, the next new password for that address or system_id is checked no
// sooner than `first_delay` later, doubling per further failure; after `lockout_after`
// failures none is checked for `lockout` (the bind is refused without hashing). Failures are
// forgotten once there has been none for `lockout` after the last block ended. It also counts slow
// password checks in flight per address, so one address cannot occupy the hashing threads.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace smppd::server {

struct bind_guard_settings {
  std::uint32_t lockout_after = 10;  // failures; 0 = no delay, no lockout
  std::chrono::seconds lockout{60};
  std::chrono::milliseconds first_delay{100};
  std::uint32_t max_checks_per_address = 2;  // slow checks in flight per peer address
  // Binds from a loopback address (127.0.0.0/8, ::1) are neither counted nor throttled, as
  // fail2ban ignores 127.0.0.1: a process on the host is the operator's own (a proxy, a
  // test harness binding many accounts at once); a guesser comes over the network.
  bool limit_loopback = false;
};

// 127.0.0.0/8, ::1, and 127.x.y.z mapped into IPv6 (::ffff:127.0.0.1), as peers are written.
bool is_loopback_address(std::string_view address) noexcept;

// What a recorded failure started.
struct failure_effect {
  bool address_locked = false;    // a lockout of the address began with this failure
  bool system_id_locked = false;  // a lockout of the system_id began with this failure
};

class bind_guard {
 public:
  explicit bind_guard(bind_guard_settings settings) : settings_(settings) {}

  // True while no new password may be checked for this address / system_id.
  bool address_blocked(std::string_view address, steady_time now) const;
  bool system_id_blocked(std::string_view system_id, steady_time now) const;

  // A wrong password (address and system_id) or an unknown system_id (empty system_id).
  failure_effect failed(std::string_view address, std::string_view system_id, steady_time now);
  // A right password: the system_id's failures are forgotten. The address's are not, so a
  // guesser with an account of its own cannot reset its count by binding it.
  void succeeded(std::string_view system_id);

  // Slow checks in flight per address: false when the address has its maximum already.
  bool try_begin_check(std::string_view address);
  void end_check(std::string_view address);

  const bind_guard_settings& settings() const noexcept { return settings_; }
  std::uint64_t lockouts() const noexcept { return lockouts_; }  // lockouts begun, ever
  std::size_t tracked() const noexcept { return addresses_.size() + system_ids_.size(); }

 private:
  struct state {
    std::uint32_t failures = 0;
    steady_time blocked_until{};
    steady_time last_failure{};
    std::uint32_t checks = 0;  // addresses only: slow checks in flight
    bool locked = false;       // blocked_until is a lockout, not a delay
  };
  using table = std::map<std::string, state, std::less<>>;

  bool enabled() const noexcept { return settings_.lockout_after > 0; }
  bool exempt(std::string_view address) const noexcept {
    return !settings_.limit_loopback && is_loopback_address(address);
  }
  bool blocked(const table& t, std::string_view key, steady_time now) const;
  bool fail(table& t, std::string_view key, steady_time now);  // true: a lockout began
  void prune(steady_time now);

  bind_guard_settings settings_;
  table addresses_;
  table system_ids_;
  std::uint64_t lockouts_ = 0;
  std::uint64_t failures_since_prune_ = 0;
};

}  // namespace smppd::server
