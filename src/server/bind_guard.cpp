#include "server/bind_guard.hpp"

#include <algorithm>

namespace smppd::server {

bool is_loopback_address(std::string_view address) noexcept {
  if (address.starts_with("::ffff:")) address.remove_prefix(7);
  return address.starts_with("127.") || address == "::1";
}

bool bind_guard::blocked(const table& t, std::string_view key, steady_time now) const {
  if (!enabled()) return false;
  const auto it = t.find(key);
  return it != t.end() && now < it->second.blocked_until;
}

bool bind_guard::address_blocked(std::string_view address, steady_time now) const {
  return !exempt(address) && blocked(addresses_, address, now);
}

bool bind_guard::system_id_blocked(std::string_view system_id, steady_time now) const {
  return blocked(system_ids_, system_id, now);
}

bool bind_guard::fail(table& t, std::string_view key, steady_time now) {
  auto it = t.find(key);
  if (it == t.end()) it = t.emplace(std::string(key), state{}).first;
  state& s = it->second;
  // Quiet for a whole lockout period after the last failure and block: count afresh.
  if (s.failures > 0 && now >= std::max(s.blocked_until, s.last_failure) + settings_.lockout) {
    s.failures = 0;
  }
  ++s.failures;
  s.last_failure = now;
  if (s.failures >= settings_.lockout_after) {
    const bool began = !s.locked || now >= s.blocked_until;
    s.locked = true;
    s.blocked_until = std::max(s.blocked_until, now + settings_.lockout);
    return began;
  }
  s.locked = false;
  // A single mistake costs nothing (the retry with the right password binds at once);
  // from the second failure on, first_delay * 2^(failures - 2), at most the lockout.
  if (s.failures < 2) return false;
  auto delay = std::chrono::duration_cast<std::chrono::nanoseconds>(settings_.first_delay);
  const auto cap = std::chrono::duration_cast<std::chrono::nanoseconds>(settings_.lockout);
  for (std::uint32_t i = 2; i < s.failures && delay < cap; ++i) delay *= 2;
  s.blocked_until = std::max(s.blocked_until, now + std::min(delay, cap));
  return false;
}

failure_effect bind_guard::failed(std::string_view address, std::string_view system_id,
                                  steady_time now) {
  failure_effect effect;
  if (!enabled() || exempt(address)) return effect;
  effect.address_locked = fail(addresses_, address, now);
  if (!system_id.empty()) effect.system_id_locked = fail(system_ids_, system_id, now);
  lockouts_ += (effect.address_locked ? 1 : 0) + (effect.system_id_locked ? 1 : 0);
  // Every so many failures, forget what is over, so a guesser from many addresses cannot
  // grow the tables without bound.
  if (++failures_since_prune_ >= 4096) prune(now);
  return effect;
}

void bind_guard::succeeded(std::string_view system_id) {
  const auto it = system_ids_.find(system_id);
  if (it != system_ids_.end()) system_ids_.erase(it);
}

bool bind_guard::try_begin_check(std::string_view address) {
  if (exempt(address)) return true;  // end_check finds no entry and does nothing
  auto it = addresses_.find(address);
  if (it == addresses_.end()) it = addresses_.emplace(std::string(address), state{}).first;
  if (it->second.checks >= settings_.max_checks_per_address) return false;
  ++it->second.checks;
  return true;
}

void bind_guard::end_check(std::string_view address) {
  const auto it = addresses_.find(address);
  if (it == addresses_.end() || it->second.checks == 0) return;
  --it->second.checks;
  if (it->second.checks == 0 && it->second.failures == 0) addresses_.erase(it);
}

void bind_guard::prune(steady_time now) {
  failures_since_prune_ = 0;
  const auto over = [&](const auto& entry) {
    const state& s = entry.second;
    return s.checks == 0 && now >= std::max(s.blocked_until, s.last_failure) + settings_.lockout;
  };
  std::erase_if(addresses_, over);
  std::erase_if(system_ids_, over);
}

}  // namespace smppd::server
