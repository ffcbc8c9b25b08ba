#include "webhook/webhook_sender.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "webhook/retry_schedule.hpp"
#include "webhook/signature.hpp"

namespace smppd::webhook {

// A webhook between its attempts: the headers are built (and the body signed) once.
struct webhook_sender::delivery {
  webhook w;
  std::vector<std::string> headers;
  unsigned failures = 0;
};

webhook_sender::webhook_sender(sender_settings settings, sender_callbacks callbacks)
    : settings_(std::move(settings)), callbacks_(std::move(callbacks)), poster_(settings_.poster) {}

webhook_sender::~webhook_sender() { stop(); }

void webhook_sender::send(webhook w) {
  if (stopping_.load()) return;
  auto d = std::make_shared<delivery>();
  d->w = std::move(w);
  d->headers.push_back("Content-Type: application/json");
  pending_.fetch_add(1);
  if (!d->w.secret.empty()) {
    const auto claims = nlohmann::json::parse(d->w.body, nullptr, /*allow_exceptions=*/false);
    if (!claims.is_object()) {
      // Through the poster's thread, like every other callback.
      poster_.run_after(std::chrono::milliseconds(0),
                        [this, d] { drop(d, "cannot sign: the body is not a JSON object"); });
      return;
    }
    d->headers.push_back("X-Gwapi-Signature: " + sign_hs256(claims, d->w.secret));
  }
  attempt(std::move(d));
}

void webhook_sender::attempt(std::shared_ptr<delivery> d) {
  std::string url = d->w.url;
  std::string body = d->w.body;
  std::vector<std::string> headers = d->headers;
  poster_.post(std::move(url), std::move(body), std::move(headers),
               [this, d](post_result result) { attempted(d, std::move(result)); });
}

void webhook_sender::attempted(std::shared_ptr<delivery> d, post_result result) {
  // At stop the poster reports its transfers as failed; they are forgotten, not failures.
  if (stopping_.load()) return;
  if (result.ok) {
    pending_.fetch_sub(1);
    delivered_.fetch_add(1);
    if (callbacks_.on_delivered) callbacks_.on_delivered(d->w.key);
    return;
  }
  failed_attempts_.fetch_add(1);
  ++d->failures;
  const auto delay = delay_after_failure(d->failures, settings_.retry_scale);
  if (!delay) {
    drop(d, std::move(result.error));
    return;
  }
  poster_.run_after(*delay, [this, d] { attempt(d); });
}

void webhook_sender::drop(const std::shared_ptr<delivery>& d, std::string error) {
  if (stopping_.load()) return;
  pending_.fetch_sub(1);
  dropped_.fetch_add(1);
  if (callbacks_.on_dropped) callbacks_.on_dropped(d->w.key, std::move(error));
}

void webhook_sender::stop() {
  stopping_.store(true);
  poster_.stop();
  pending_.store(0);
}

sender_counters webhook_sender::counters() const {
  return sender_counters{pending_.load(), delivered_.load(), failed_attempts_.load(),
                         dropped_.load()};
}

}  // namespace smppd::webhook
