#pragma once
// Binds counted across the nodes of a cluster, so that max_binds holds for an account as a
// whole (contract, "Cluster"). A node publishes how many sessions each account has bound on
// it and asks how many the others have. The PostgreSQL store implements it; a single node
// has none.

#include <cstdint>
#include <string_view>

namespace smppd::core {

class bind_ledger {
 public:
  virtual ~bind_ledger() = default;
  // Sessions of the account bound on the other live nodes. Throws when it cannot tell.
  virtual std::uint32_t bound_elsewhere(std::string_view system_id) = 0;
  // This node has `sessions` of the account bound now. Throws when it cannot record it.
  virtual void publish(std::string_view system_id, std::uint32_t sessions) = 0;
};

}  // namespace smppd::core
