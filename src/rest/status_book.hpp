#pragma once
// What GET /rest/mtsms/ID answers: each REST message this node accepted, with the latest
// status of each recipient, kept in memory for `retention` and at most `max_recipients`
// recipients in all (the oldest messages go first). Not durable: after a restart a
// message is known again only through its webhooks (README, "REST API"). Thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "rest/sms_request.hpp"

namespace smppd::rest {

struct recipient_status {
  std::string msisdn;
  std::uint64_t message_id = 0;
  std::string status;  // GatewayAPI's: SCHEDULED, ENROUTE, DELIVERED, ...
  std::uint32_t error_code = 0;
  wall_time at{};
};

struct message_status {
  std::uint64_t id = 0;  // the REST id
  std::string system_id;
  sms_request request;  // as sent (recipients in `recipients` below)
  std::vector<recipient_status> recipients;
  wall_time created_at{};
};

class status_book {
 public:
  explicit status_book(std::chrono::hours retention = std::chrono::hours(48),
                       std::size_t max_kept = 1'000'000)
      : retention_(retention), max_recipients_(max_kept) {}

  void add(message_status message);
  // A recipient's new status (by the REST id and the recipient's message id).
  void update(std::uint64_t id, std::uint64_t message_id, std::string status,
              std::uint32_t error_code, wall_time at);
  std::optional<message_status> find(std::uint64_t id) const;
  // The JSON GET answers with.
  static std::string to_json(const message_status& m);

 private:
  void evict(wall_time now);  // under mutex_

  std::chrono::hours retention_;
  std::size_t max_recipients_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, message_status> messages_;
  std::deque<std::uint64_t> order_;  // ids, oldest first
  std::size_t recipients_ = 0;
  // A recipient's message id -> its place in its message's recipients: an update is O(1)
  // even for a message with 10 000 recipients.
  std::unordered_map<std::uint64_t, std::uint32_t> slot_of_;
};

}  // namespace smppd::rest
