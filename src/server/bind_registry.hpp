#pragma once
// Who is bound, per account, across all io threads: enforces max_binds and holds each
// account's throughput limit, which all of its sessions share. Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "account/throttle.hpp"
#include "common/clock.hpp"
#include "core/bind_ledger.hpp"

namespace smppd::server {

class bind_registry {
 public:
  // In a cluster: binds on the other nodes count too (max_binds is per account). Set before
  // the first bind. When the ledger cannot be reached, this node's own count decides.
  void share_with(core::bind_ledger* ledger) { ledger_ = ledger; }

  // False when the account already has max_binds sessions bound.
  bool try_bind(const std::string& system_id, std::uint32_t max_binds, std::uint32_t throughput,
                steady_time now);
  void unbind(const std::string& system_id);
  std::uint32_t bound_sessions(const std::string& system_id) const;

  // ESME_RTHROTTLED when false.
  bool try_submit(const std::string& system_id, steady_time now);

  // In a cluster, now and then (each second): an account's throughput limit is divided
  // evenly between the nodes it is bound to, as they come and go.
  void refresh_shares(steady_time now);

 private:
  core::binds_elsewhere bound_elsewhere(const std::string& system_id);
  // Under mutex_: the account's bucket for its share of `throughput` on `nodes` nodes.
  void set_share(const std::string& system_id, std::uint32_t throughput, std::uint32_t nodes,
                 steady_time now);
  void publish(const std::string& system_id);
  core::bind_ledger* ledger_ = nullptr;
  std::mutex publish_mutex_;  // publishes in turn, each with the count as it is then
  struct account_binds {
    std::uint32_t sessions = 0;
    account::throttle limit;
    std::uint32_t throughput = 0;  // the account's, for all nodes
    std::uint32_t nodes = 1;       // bound on this many nodes (this one included)
  };
  mutable std::mutex mutex_;
  std::map<std::string, account_binds, std::less<>> accounts_;
};

}  // namespace smppd::server
