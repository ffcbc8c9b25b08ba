#pragma once
// Where accounts live. The server reads an account on every bind, so a change made by
// `smppd account ...` (another process on the same store) counts for the next bind.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "account/account.hpp"
#include "account/api_token.hpp"

namespace smppd::core {

class account_store {
 public:
  virtual ~account_store() = default;

  // False when the system_id exists already.
  virtual bool add(const account::account& a) = 0;
  virtual std::optional<account::account> find(std::string_view system_id) = 0;
  virtual std::vector<account::account> list() = 0;
  // False when there was no such account.
  virtual bool remove(std::string_view system_id) = 0;
  virtual bool set_password_hash(std::string_view system_id, const std::string& hash) = 0;
  // max_binds, throughput, max_priority and classes from `a` (the admin API); false when
  // there is no such account. Its password, webhooks and tokens stay.
  virtual bool set_limits(const account::account& a) = 0;
  // Sets the account's webhook_url, webhook_secret and mo_url (empty = none); false when
  // there is no such account.
  virtual bool set_webhooks(std::string_view system_id, const std::string& webhook_url,
                            const std::string& webhook_secret, const std::string& mo_url) = 0;

  // API tokens. Removing an account removes its tokens.
  // False when the token's account does not exist.
  virtual bool add_token(const account::api_token& token) = 0;
  // By system_id, then oldest first; every account's tokens when system_id is nullopt.
  virtual std::vector<account::api_token> list_tokens(
      std::optional<std::string_view> system_id) = 0;
  // False when there was no such token id.
  virtual bool remove_token(std::string_view token_id) = 0;
  // The token whose account::hash_token() is `hash`.
  virtual std::optional<account::api_token> find_token(std::string_view hash) = 0;
};

}  // namespace smppd::core
