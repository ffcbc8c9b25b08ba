#pragma once
// Between the engine's durable webhook records and the sender: each record becomes its
// GatewayAPI body (rest/webhook_body), signed with its account's secret when it has one,
// keyed by its receipt_id; once delivered, or dropped after the last retry (logged and
// counted), the record is done and the owner removes it from the store.

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/records.hpp"
#include "webhook/webhook_sender.hpp"

namespace smppd::webhook {

struct outbox_hooks {
  // The account's webhook secret ("" = unsigned); from the sender's thread, must be cheap.
  std::function<std::string(std::string_view system_id)> secret_of;
  // Records delivered or given up on, by receipt_id: remove them from the store.
  std::function<void(std::vector<std::uint64_t> receipt_ids)> done;
};

class webhook_outbox {
 public:
  webhook_outbox(sender_settings settings, outbox_hooks hooks, std::shared_ptr<spdlog::logger> log);
  // Thread-safe.
  void deliver(std::vector<core::receipt_record> records);
  // Pending ones are forgotten: they are still in the store for the next start.
  void stop() { sender_.stop(); }
  sender_counters counters() const { return sender_.counters(); }

 private:
  outbox_hooks hooks_;
  std::shared_ptr<spdlog::logger> log_;
  webhook_sender sender_;  // last: its callbacks use the members above
};

}  // namespace smppd::webhook
