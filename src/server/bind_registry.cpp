#include "server/bind_registry.hpp"

namespace smppd::server {

std::uint32_t bind_registry::bound_elsewhere(const std::string& system_id) {
  if (ledger_ == nullptr) return 0;
  try {
    return ledger_->bound_elsewhere(system_id);
  } catch (const std::exception&) {
    return 0;  // the database is down: this node's own count decides meanwhile
  }
}

void bind_registry::publish(const std::string& system_id) {
  if (ledger_ == nullptr) return;
  std::lock_guard lock(publish_mutex_);
  try {
    ledger_->publish(system_id, bound_sessions(system_id));
  } catch (const std::exception&) {
    // Published again with the next bind or unbind of the account.
  }
}

bool bind_registry::try_bind(const std::string& system_id, std::uint32_t max_binds,
                             std::uint32_t throughput, steady_time now) {
  // Asked before the lock: submits (try_submit) never wait for the database.
  const std::uint32_t elsewhere = bound_elsewhere(system_id);
  {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(system_id);
    if (it == accounts_.end()) {
      it = accounts_.emplace(system_id, account_binds{0, account::throttle(throughput, now)}).first;
    } else if (it->second.limit.per_second() != throughput) {
      it->second.limit = account::throttle(throughput, now);  // changed by `smppd account`
    }
    if (it->second.sessions + elsewhere >= max_binds) return false;
    ++it->second.sessions;
  }
  publish(system_id);
  return true;
}

void bind_registry::unbind(const std::string& system_id) {
  {
    std::lock_guard lock(mutex_);
    const auto it = accounts_.find(system_id);
    if (it != accounts_.end() && it->second.sessions > 0) --it->second.sessions;
  }
  publish(system_id);
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
