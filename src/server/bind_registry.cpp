#include "server/bind_registry.hpp"

namespace smppd::server {

bool bind_registry::try_bind(const std::string& system_id, std::uint32_t max_binds,
                             std::uint32_t throughput, steady_time now) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(system_id);
  if (it == accounts_.end()) {
    it = accounts_.emplace(system_id, account_binds{0, account::throttle(throughput, now)}).first;
  } else if (it->second.limit.per_second() != throughput) {
    it->second.limit = account::throttle(throughput, now);  // changed by `smppd account`
  }
  if (it->second.sessions >= max_binds) return false;
  ++it->second.sessions;
  return true;
}

void bind_registry::unbind(const std::string& system_id) {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(system_id);
  if (it != accounts_.end() && it->second.sessions > 0) --it->second.sessions;
}

std::uint32_t bind_registry::bound_sessions(const std::string& system_id) const {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(system_id);
  return it == accounts_.end() ? 0 : it->second.sessions;
}

bool bind_registry::try_submit(const std::string& system_id, steady_time now) {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(system_id);
  return it == accounts_.end() || it->second.limit.try_acquire(now);
}

}  // namespace smppd::server
