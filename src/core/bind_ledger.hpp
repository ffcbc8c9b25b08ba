#pragma once
// Binds counted across the nodes of a cluster, so that max_binds holds for an account as a
// whole and its throughput limit is shared by the nodes it is bound to (contract, "Cluster"). A
// node publishes how many sessions each account has bound on it and asks how many the others have.
// The PostgreSQL store implements it; a single node has none.

#include <cstdint>
#include <string_view>

namespace smppd::core {

struct binds_elsewhere {
  std::uint32_t sessions = 0;  // of the account, bound on the other live nodes
  std::uint32_t nodes = 0;     // the other live nodes it is bound to (its throughput's share)
};

class bind_ledger {
 public:
  virtual ~bind_ledger() = default;
  // The account's binds on the other live nodes. Throws when it cannot tell.
  virtual binds_elsewhere bound_elsewhere(std::string_view system_id) = 0;
  // This node has `sessions` of the account bound now. Throws when it cannot record it.
  virtual void publish(std::string_view system_id, std::uint32_t sessions) = 0;
};

}  // namespace smppd::core
