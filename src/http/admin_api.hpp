#pragma once
// The admin API under /api/admin/ (contract, "Operations"), without HTTP types: the
// operator's bearer token, then accounts (list, create, update, remove, reset password,
// shown once), their API tokens, sessions (list, unbind), carriers and queues, JSON in and
// out. It changes the same account store as the CLI. Tokens and passwords are never logged.

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/account_store.hpp"
#include "http/rest_api.hpp"

namespace smppd::http {

struct admin_dependencies {
  core::account_store& accounts;
  std::string admin_token;
  std::vector<std::string> default_classes;  // an account created without classes gets these
  // The live parts, from whoever owns them (cli/serve), as JSON.
  std::function<nlohmann::json()> sessions;
  std::function<bool(std::uint64_t session_id)> unbind;
  std::function<nlohmann::json()> carriers;
  std::function<nlohmann::json()> queues;
  std::shared_ptr<spdlog::logger> log;
};

class admin_api {
 public:
  explicit admin_api(admin_dependencies deps) : deps_(std::move(deps)) {}

  // `path` is what follows /api/admin (e.g. "/accounts/acme"); `authorization` the header.
  http_reply handle(std::string_view method, std::string_view path, std::string_view authorization,
                    std::string_view body);

 private:
  http_reply accounts(std::string_view method, std::string_view rest, const nlohmann::json& in);
  http_reply account(std::string_view method, const std::string& id, std::string_view rest,
                     const nlohmann::json& in);

  admin_dependencies deps_;
};

}  // namespace smppd::http
