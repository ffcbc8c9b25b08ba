#pragma once
// Accounts in PostgreSQL: the same operations as the SQLite account store, one statement
// each, on a connection of its own (binds are rare; the bind path may wait for it).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/account_store.hpp"
#include "core/bind_ledger.hpp"
#include "store/postgres/connection.hpp"

namespace smppd::store::postgres {

class pg_account_store final : public core::account_store, public core::bind_ledger {
 public:
  // Connects and migrates the schema; throws pg_error. `node_id`: the node whose binds
  // publish() records (serve); the account commands have none.
  explicit pg_account_store(std::string url, int node_id = -1);

  bool add(const account::account& a) override;
  std::optional<account::account> find(std::string_view system_id) override;
  std::vector<account::account> list() override;
  bool remove(std::string_view system_id) override;
  bool set_password_hash(std::string_view system_id, const std::string& hash) override;
  bool set_limits(const account::account& a) override;
  bool set_webhooks(std::string_view system_id, const std::string& webhook_url,
                    const std::string& webhook_secret, const std::string& mo_url) override;

  bool add_token(const account::api_token& token) override;
  std::vector<account::api_token> list_tokens(std::optional<std::string_view> system_id) override;
  bool remove_token(std::string_view token_id) override;
  // While PostgreSQL is unreachable, a token found before is still found, like find().
  std::optional<account::api_token> find_token(std::string_view hash) override;

  // core::bind_ledger: live nodes are those with a heartbeat in the last 15 s.
  core::binds_elsewhere bound_elsewhere(std::string_view system_id) override;
  void publish(std::string_view system_id, std::uint32_t sessions) override;

 private:
  // Runs `work` on the connection, reconnecting once when it had broken (PostgreSQL was
  // restarted): a bind after an outage should not fail for a stale socket.
  template <class Work>
  auto with_connection(Work&& work);

  std::string url_;
  int node_id_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point next_connect_{};  // no storm of attempts while down
  std::unique_ptr<connection> db_;
  // Accounts as last read by find(): while PostgreSQL is unreachable, a client that bound
  // before can bind again (the contract keeps the service up through an outage).
  std::unordered_map<std::string, account::account> last_known_;
  // Tokens as last read by find_token(), by hash, for the same reason.
  std::unordered_map<std::string, account::api_token> last_known_tokens_;
};

}  // namespace smppd::store::postgres
