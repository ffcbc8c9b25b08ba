#include "server/bind_registry.hpp"

#include <algorithm>
#include <vector>

namespace smppd::server {

core::binds_elsewhere bind_registry::bound_elsewhere(const std::string& system_id) {
  if (ledger_ == nullptr) return {};
  try {
    return ledger_->bound_elsewhere(system_id);
  } catch (const std::exception&) {
    return {};  // the database is down: this node's own count decides meanwhile
  }
}

void bind_registry::set_share(const std::string& system_id, std::uint32_t throughput,
                              std::uint32_t nodes, steady_time now) {
  auto& a = accounts_.find(system_id)->second;
  nodes = std::max<std::uint32_t>(nodes, 1);
  // Rounded up: a share is never 0 (unlimited) for a limited account.
  const std::uint32_t share = throughput == 0 ? 0 : (throughput + nodes - 1) / nodes;
  if (a.throughput != throughput || a.nodes != nodes || a.limit.per_second() != share) {
    a.limit = account::throttle(share, now);
  }
  a.throughput = throughput;
  a.nodes = nodes;
}

void bind_registry::refresh_shares(steady_time now) {
  if (ledger_ == nullptr) return;
  std::vector<std::string> bound;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, a] : accounts_) {
      if (a.sessions > 0 && a.throughput > 0) bound.push_back(id);
    }
  }
  for (const auto& id : bound) {
    std::uint32_t nodes = 0;
    try {
      nodes = 1 + ledger_->bound_elsewhere(id).nodes;
    } catch (const std::exception&) {
      return;  // the database is down: the shares stay as they are
    }
    std::lock_guard lock(mutex_);
    const auto it = accounts_.find(id);
    if (it != accounts_.end()) set_share(id, it->second.throughput, nodes, now);
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
  const auto elsewhere = bound_elsewhere(system_id);
  {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(system_id);
    if (it == accounts_.end()) {
      it = accounts_
               .emplace(system_id,
                        account_binds{0, account::throttle(throughput, now), throughput, 1})
               .first;
    }
    // A changed limit (`smppd account`), or other nodes bound meanwhile.
    set_share(system_id, throughput, 1 + elsewhere.nodes, now);
    if (it->second.sessions + elsewhere.sessions >= max_binds) return false;
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
