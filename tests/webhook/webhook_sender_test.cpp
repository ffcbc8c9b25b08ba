#include "webhook/webhook_sender.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http_receiver.hpp"
#include "python_jwt.hpp"
#include "wait_until.hpp"

namespace smppd::webhook {
namespace {

using namespace std::chrono_literals;
using testing::answer;
using testing::http_receiver;
using testing::wait_until;

// What the sender reported through its callbacks.
class reports {
 public:
  sender_callbacks callbacks() {
    return sender_callbacks{[this](std::uint64_t key) {
                              std::lock_guard lock(mutex_);
                              ++delivered_[key];
                            },
                            [this](std::uint64_t key, std::string error) {
                              std::lock_guard lock(mutex_);
                              dropped_.emplace_back(key, std::move(error));
                            }};
  }
  std::map<std::uint64_t, int> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  std::vector<std::pair<std::uint64_t, std::string>> dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::uint64_t, int> delivered_;
  std::vector<std::pair<std::uint64_t, std::string>> dropped_;
};

const std::string status_body =
    R"({"id":"c0ffee","msisdn":4512345678,"time":1700000000,"status":"DELIVERED",)"
    R"("error":null,"code":0,"userref":"order 17"})";

sender_settings fast_retries(double scale = 0.001) {
  sender_settings s;
  s.retry_scale = scale;
  return s;
}

TEST(webhook_sender, posts_each_webhook_once_as_json) {
  http_receiver receiver;
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());
  sender.send(webhook{42, receiver.url("/status"), status_body, ""});
  ASSERT_TRUE(wait_until([&] { return seen.delivered().size() == 1; }));
  EXPECT_EQ(seen.delivered(), (std::map<std::uint64_t, int>{{42, 1}}));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/status");
  EXPECT_EQ(requests[0].body, status_body);
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].headers.count("x-gwapi-signature"), 0u);
  const auto c = sender.counters();
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.delivered, 1u);
  EXPECT_EQ(c.failed_attempts, 0u);
  EXPECT_EQ(c.dropped, 0u);
}

TEST(webhook_sender, retries_after_failures_on_the_scaled_schedule) {
  http_receiver receiver;
  receiver.answer_next({answer{500}, answer{503}});
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());  // 60 ms, then 120 ms
  sender.send(webhook{1, receiver.url(), status_body, ""});
  ASSERT_TRUE(wait_until([&] { return seen.delivered().size() == 1; }));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_GE(requests[1].at - requests[0].at, 60ms);
  EXPECT_GE(requests[2].at - requests[1].at, 120ms);
  for (const auto& r : requests) EXPECT_EQ(r.body, status_body);
  const auto c = sender.counters();
  EXPECT_EQ(c.delivered, 1u);
  EXPECT_EQ(c.failed_attempts, 2u);
  EXPECT_EQ(c.pending, 0u);
  EXPECT_TRUE(seen.dropped().empty());
}

TEST(webhook_sender, counts_a_stall_past_the_timeout_as_a_failure_and_retries) {
  http_receiver receiver;
  receiver.answer_next({answer{200, 3s}});
  reports seen;
  auto settings = fast_retries();
  settings.poster.timeout = 300ms;
  webhook_sender sender(settings, seen.callbacks());
  sender.send(webhook{5, receiver.url(), status_body, ""});
  ASSERT_TRUE(wait_until([&] { return seen.delivered().size() == 1; }));
  EXPECT_EQ(receiver.request_count(), 2u);
  EXPECT_EQ(sender.counters().failed_attempts, 1u);
  EXPECT_EQ(seen.delivered(), (std::map<std::uint64_t, int>{{5, 1}}));
}

TEST(webhook_sender, keeps_a_stalled_endpoint_from_delaying_another) {
  http_receiver stalled;
  stalled.answer_otherwise(answer{200, 30s});
  http_receiver healthy;
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());  // 15 s timeout
  sender.send(webhook{0, stalled.url(), status_body, ""});
  ASSERT_TRUE(wait_until([&] { return stalled.request_count() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t key = 1; key <= 50; ++key) {
    sender.send(webhook{key, healthy.url(), status_body, ""});
  }
  ASSERT_TRUE(wait_until([&] { return seen.delivered().size() == 50; }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(seen.delivered().count(0), 0u);
  EXPECT_EQ(sender.counters().pending, 1u);
}

TEST(webhook_sender, signs_the_body_with_the_secret) {
  if (!testing::python_jwt_available()) GTEST_SKIP() << "/usr/bin/python3 has no jwt module";
  http_receiver receiver;
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());
  sender.send(webhook{9, receiver.url(), status_body, "the account's secret"});
  ASSERT_TRUE(wait_until([&] { return seen.delivered().size() == 1; }));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_EQ(requests[0].headers.count("x-gwapi-signature"), 1u);
  const auto token = requests[0].headers.at("x-gwapi-signature");
  const auto claims = testing::python_jwt_decode(token, "the account's secret");
  ASSERT_TRUE(claims.has_value());
  EXPECT_EQ(nlohmann::json::parse(*claims), nlohmann::json::parse(status_body));
  EXPECT_FALSE(testing::python_jwt_decode(token, "a guess").has_value());
}

TEST(webhook_sender, drops_once_after_the_last_retry_failed) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{500});
  reports seen;
  // 3 ms, 6 ms, 18 ms, 72 ms, 360 ms, 2160 ms: the whole schedule in under 3 s.
  webhook_sender sender(fast_retries(0.00005), seen.callbacks());
  sender.send(webhook{77, receiver.url(), status_body, ""});
  ASSERT_TRUE(wait_until([&] { return !seen.dropped().empty(); }));
  EXPECT_EQ(receiver.request_count(), 7u);  // the first attempt and six retries
  const auto c = sender.counters();
  EXPECT_EQ(c.failed_attempts, 7u);
  EXPECT_EQ(c.dropped, 1u);
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.delivered, 0u);
  // Nothing more comes: no eighth attempt, no second drop.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(receiver.request_count(), 7u);
  EXPECT_EQ(seen.dropped(), (std::vector<std::pair<std::uint64_t, std::string>>{{77, "HTTP 500"}}));
  EXPECT_TRUE(seen.delivered().empty());
}

TEST(webhook_sender, drops_a_body_it_cannot_sign_without_sending_it) {
  http_receiver receiver;
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());
  sender.send(webhook{3, receiver.url(), "[1,2]", "secret"});
  ASSERT_TRUE(wait_until([&] { return !seen.dropped().empty(); }));
  EXPECT_EQ(seen.dropped()[0].first, 3u);
  EXPECT_EQ(receiver.request_count(), 0u);
  EXPECT_EQ(sender.counters().pending, 0u);
}

TEST(webhook_sender, delivers_many_concurrent_sends_exactly_once) {
  http_receiver receiver;
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());
  constexpr std::uint64_t count = 500;
  // From several threads at once, as the engine and the REST handlers would.
  std::vector<std::thread> senders;
  for (std::uint64_t t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (std::uint64_t key = t; key < count; key += 4) {
        sender.send(webhook{key, receiver.url(), R"({"key":)" + std::to_string(key) + "}", ""});
      }
    });
  }
  for (auto& t : senders) t.join();
  ASSERT_TRUE(wait_until([&] { return seen.delivered().size() == count; }));
  const auto delivered = seen.delivered();
  for (std::uint64_t key = 0; key < count; ++key) EXPECT_EQ(delivered.at(key), 1) << key;
  EXPECT_EQ(receiver.request_count(), count);
  const auto c = sender.counters();
  EXPECT_EQ(c.delivered, count);
  EXPECT_EQ(c.pending, 0u);
}

TEST(webhook_sender, stop_forgets_pending_webhooks_without_callbacks) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{200, 30s});
  reports seen;
  webhook_sender sender(fast_retries(), seen.callbacks());
  sender.send(webhook{1, receiver.url(), status_body, ""});
  ASSERT_TRUE(wait_until([&] { return receiver.request_count() == 1; }));
  EXPECT_EQ(sender.counters().pending, 1u);
  sender.stop();
  EXPECT_TRUE(seen.delivered().empty());
  EXPECT_TRUE(seen.dropped().empty());
  EXPECT_EQ(sender.counters().pending, 0u);
  sender.send(webhook{2, receiver.url(), status_body, ""});  // ignored
  EXPECT_EQ(sender.counters().pending, 0u);
}

}  // namespace
}  // namespace smppd::webhook
