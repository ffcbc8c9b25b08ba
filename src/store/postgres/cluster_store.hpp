#pragma once
// What the nodes of a cluster agree on through PostgreSQL, on one connection of the node's
// cluster thread (src/cluster): who is alive, who delivers which receipt, whose binds count.
//
// Liveness: each node holds its row in `nodes` and refreshes heartbeat_at every second. A
// row whose heartbeat is older than `dead_after`, or marked stopped, belongs to a node that
// is gone; the first live node to lock that row takes over: it releases the gone node's
// receipts (claimed_by = NULL, for any node to claim) and adopts its unfinished messages.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/records.hpp"
#include "store/postgres/connection.hpp"

namespace smppd::store::postgres {

struct node_identity {
  int id = 0;
  std::string instance;  // random per start: tells this start's row from an older one's
  std::string host;
  int pid = 0;
};

enum class join_result {
  joined,
  id_in_use,  // another live node holds the id
};

struct takeover {
  int node = 0;
  std::vector<core::message_record> messages;  // now this node's
  std::uint64_t receipts_released = 0;
};

class cluster_store {
 public:
  cluster_store(std::string url, node_identity me, std::chrono::seconds dead_after);

  // Claims the node id: free, held by a dead node, by a stopped one, or by an earlier start
  // on this host whose process is gone (a restart after a crash need not wait dead_after).
  join_result join();
  // Refreshes the heartbeat; false when the row is no longer this start's (another node
  // took the id over after a long outage: this node must stop).
  bool heartbeat();
  // SIGTERM: releases this node's receipts at once and marks the row stopped, so the other
  // nodes adopt its unfinished messages now. Also drops its binds.
  void leave();

  // Nodes to take over: dead or stopped, not yet taken over, not this one.
  std::vector<int> gone_nodes();
  // Takes `node` over; nullopt when another node got there first (or it came back).
  std::optional<takeover> take_over(int node);

  // Up to `limit` unclaimed receipts of the account, now claimed by this node, oldest first.
  std::vector<core::receipt_record> claim(std::string_view system_id, std::size_t limit);
  // Up to `limit` unclaimed webhooks of any account (released by a node that left or died),
  // now this node's to post, oldest first.
  std::vector<core::receipt_record> claim_webhooks(std::size_t limit);
  // Gives receipts back for any node to claim (this node has no receiver of their account).
  void release(const std::vector<std::uint64_t>& receipt_ids);
  // The cap and retention over the whole cluster: drops the oldest receipts of accounts
  // beyond `cap`, and those created before `cutoff`. Returns (dropped for the cap, expired).
  std::pair<std::uint64_t, std::uint64_t> trim(std::uint64_t cap, wall_time cutoff);

  // LISTEN on the receipts channel; then wait_notifications() returns payloads (account
  // names, comma-separated; "" = all).
  void listen();
  std::vector<std::string> wait_notifications(std::chrono::milliseconds limit);

  // After a failure: connects again (throws pg_error when it cannot). LISTEN again too.
  void reconnect();
  bool ok() const { return db_ && db_->ok(); }

 private:
  connection& db();
  // The records of receipts just claimed, oldest first.
  static std::vector<core::receipt_record> claimed(const result& r);
  std::string url_;
  node_identity me_;
  std::chrono::seconds dead_after_;
  std::unique_ptr<connection> db_;
  bool listening_ = false;
};

}  // namespace smppd::store::postgres
