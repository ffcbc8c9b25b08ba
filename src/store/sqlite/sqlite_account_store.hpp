#pragma once

#include <memory>

#include "core/account_store.hpp"
#include "store/sqlite/database.hpp"

namespace smppd::store::sqlite {

class sqlite_account_store final : public core::account_store {
 public:
  explicit sqlite_account_store(std::shared_ptr<database> db) : db_(std::move(db)) {}

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
  std::optional<account::api_token> find_token(std::string_view hash) override;

 private:
  std::shared_ptr<database> db_;
};

}  // namespace smppd::store::sqlite
