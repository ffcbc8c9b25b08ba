#include "webhook/webhook_outbox.hpp"

#include "rest/webhook_body.hpp"

namespace smppd::webhook {

webhook_outbox::webhook_outbox(sender_settings settings, outbox_hooks hooks,
                               std::shared_ptr<spdlog::logger> log)
    : hooks_(std::move(hooks)),
      log_(std::move(log)),
      sender_(std::move(settings),
              sender_callbacks{[this](std::uint64_t key) { hooks_.done({key}); },
                               [this](std::uint64_t key, std::string last_error) {
                                 log_->warn("webhook {} dropped after its last retry: {}", key,
                                            last_error);
                                 hooks_.done({key});
                               }}) {}

void webhook_outbox::deliver(std::vector<core::receipt_record> records) {
  for (const auto& r : records) {
    sender_.send(webhook{r.receipt_id, r.webhook_url, rest::webhook_body(r),
                         hooks_.secret_of ? hooks_.secret_of(r.system_id) : std::string()});
  }
}

}  // namespace smppd::webhook
