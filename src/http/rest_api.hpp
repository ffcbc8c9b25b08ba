#pragma once
// The REST API's requests, after HTTP and before the engine: who the token is, what the
// request says (src/rest), the account's throughput, message ids, the durable hand-over to
// the same sink as SMPP submits, and the answer. Knows no HTTP library: http_server.cpp
// adapts RESTinio's requests to these calls, so the API is tested without sockets too.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "account/account.hpp"
#include "account/throttle.hpp"
#include "common/clock.hpp"
#include "core/account_store.hpp"
#include "core/message_sink.hpp"
#include "rest/rest_error.hpp"
#include "rest/sms_request.hpp"
#include "rest/status_book.hpp"

namespace smppd::http {

struct http_reply {
  int status = 200;
  std::string body;  // JSON; empty for 204
};
using reply_fn = std::function<void(http_reply)>;
using query_fields = std::vector<std::pair<std::string, std::string>>;

// The largest body POST /rest/mtsms takes (contract: 413 beyond).
inline constexpr std::size_t max_body_bytes = 1 << 20;

struct rest_dependencies {
  core::account_store& accounts;
  core::message_sink& sink;
  // The node's message ids, shared with the SMPP sessions.
  std::function<std::uint64_t(wall_time)> next_id;
  // Finishes waiting messages as DELETED; `done` gets how many (engine::cancel).
  std::function<void(std::vector<std::uint64_t>, std::function<void(std::size_t)>)> cancel;
  std::shared_ptr<spdlog::logger> log;
  const wall_clock* clock = &system_wall_clock();
  // Accounts and tokens are read again after this (contract: changes count within 5 s).
  std::chrono::milliseconds cache_for{2000};
};

class rest_api {
 public:
  explicit rest_api(rest_dependencies deps);

  // POST /rest/mtsms (body by content type) or GET /rest/mtsms (fields in the query).
  void send(std::string_view token, std::string_view content_type, std::string_view body,
            query_fields fields, reply_fn reply);
  // GET /rest/mtsms/ID
  http_reply status(std::string_view token, std::string_view id);
  // DELETE /rest/mtsms/ID: 204 when it was still scheduled, else 410.
  void remove(std::string_view token, std::string_view id, reply_fn reply);

  // The engine's status hook (engine thread): GET answers with the latest.
  void on_status(std::uint64_t rest_id, std::uint64_t message_id, std::string_view status,
                 std::uint32_t error_code, wall_time at);
  // For MO and webhook signatures: the account's settings, from the same cache.
  std::string mo_url(std::string_view system_id);
  std::string webhook_secret(std::string_view system_id);

  // An error reply with a fresh incident id (logged with it when it is the server's fault).
  http_reply error(const rest::rest_error& e);

 private:
  std::optional<account::account> authenticate(std::string_view token);
  // The token's account, or the reply refusing it (401, or 503 when accounts cannot be read).
  std::variant<account::account, http_reply> authorize(std::string_view token);
  std::optional<account::account> cached_account(std::string_view system_id);
  void submit(const account::account& account, std::vector<rest::sms_request> requests,
              reply_fn reply);

  rest_dependencies deps_;
  rest::status_book book_;

  struct cached {
    std::optional<account::account> account;
    steady_time read_at;
  };
  std::mutex mutex_;  // the caches and the throttles
  std::map<std::string, cached, std::less<>> accounts_;
  std::map<std::string, std::pair<std::string, steady_time>, std::less<>> tokens_;  // hash ->
  std::map<std::string, account::throttle, std::less<>> throttles_;
};

}  // namespace smppd::http
