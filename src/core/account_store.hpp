#pragma once
// Where accounts live. The server reads an account on every bind, so a change made by
// `smppd account ...` (another process on the same store) counts for the next bind.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "account/account.hpp"

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
};

}  // namespace smppd::core
