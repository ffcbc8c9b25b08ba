#include "webhook/http_poster.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "http_receiver.hpp"
#include "wait_until.hpp"

namespace smppd::webhook {
namespace {

using namespace std::chrono_literals;
using testing::answer;
using testing::http_receiver;
using testing::wait_until;

// The results of posts, as their done handlers report them (on the poster's thread).
class outcomes {
 public:
  http_poster::done_handler handler(std::string name) {
    return [this, name](post_result r) {
      std::lock_guard lock(mutex_);
      names_.push_back(name);
      results_.push_back(std::move(r));
    };
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return results_.size();
  }
  post_result at(std::size_t i) const {
    std::lock_guard lock(mutex_);
    return results_.at(i);
  }
  std::vector<std::string> names() const {
    std::lock_guard lock(mutex_);
    return names_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> names_;
  std::vector<post_result> results_;
};

// A port on 127.0.0.1 with nothing listening on it (bound, then closed).
std::uint16_t closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(http_poster, posts_the_body_with_the_given_headers_once) {
  http_receiver receiver;
  outcomes done;
  http_poster poster;
  poster.post(receiver.url("/status"), R"({"id":1})", {"Content-Type: application/json"},
              done.handler("one"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_TRUE(done.at(0).ok);
  EXPECT_EQ(done.at(0).http_status, 200);
  EXPECT_EQ(done.at(0).error, "");
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/status");
  EXPECT_EQ(requests[0].body, R"({"id":1})");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].headers.count("expect"), 0u);
}

TEST(http_poster, sends_a_large_body_without_waiting_for_100_continue) {
  http_receiver receiver;
  outcomes done;
  http_poster poster;
  const std::string body(200000, 'x');
  const auto started = std::chrono::steady_clock::now();
  poster.post(receiver.url(), body, {}, done.handler("large"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_TRUE(done.at(0).ok);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 900ms);  // curl's wait is 1 s
  ASSERT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(receiver.requests()[0].body, body);
}

TEST(http_poster, reports_a_non_2xx_answer_as_failed_with_its_status) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{500});
  outcomes done;
  http_poster poster;
  poster.post(receiver.url(), "{}", {}, done.handler("500"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_FALSE(done.at(0).ok);
  EXPECT_EQ(done.at(0).http_status, 500);
  EXPECT_EQ(done.at(0).error, "HTTP 500");
}

TEST(http_poster, takes_any_2xx_as_success) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{204});
  outcomes done;
  http_poster poster;
  poster.post(receiver.url(), "{}", {}, done.handler("204"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_TRUE(done.at(0).ok);
  EXPECT_EQ(done.at(0).http_status, 204);
}

TEST(http_poster, follows_no_redirect) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{302});
  outcomes done;
  http_poster poster;
  poster.post(receiver.url(), "{}", {}, done.handler("302"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_FALSE(done.at(0).ok);
  EXPECT_EQ(done.at(0).error, "HTTP 302");
  EXPECT_EQ(receiver.request_count(), 1u);
}

TEST(http_poster, times_out_an_endpoint_that_does_not_answer) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{200, 5s});
  outcomes done;
  poster_settings settings;
  settings.timeout = 300ms;
  http_poster poster(settings);
  const auto started = std::chrono::steady_clock::now();
  poster.post(receiver.url(), "{}", {}, done.handler("stalled"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_FALSE(done.at(0).ok);
  EXPECT_EQ(done.at(0).http_status, 0);
  EXPECT_EQ(done.at(0).error, "timeout after 300 ms");
}

TEST(http_poster, reports_a_refused_connection) {
  outcomes done;
  http_poster poster;
  poster.post("http://127.0.0.1:" + std::to_string(closed_port()) + "/", "{}", {},
              done.handler("refused"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_FALSE(done.at(0).ok);
  EXPECT_EQ(done.at(0).error, "connection refused");
}

TEST(http_poster, refuses_schemes_other_than_http) {
  outcomes done;
  http_poster poster;
  poster.post("file:///etc/passwd", "{}", {}, done.handler("file"));
  ASSERT_TRUE(wait_until([&] { return done.size() == 1; }));
  EXPECT_FALSE(done.at(0).ok);
  EXPECT_NE(done.at(0).error, "");
  EXPECT_EQ(done.at(0).error.find('\n'), std::string::npos);
}

TEST(http_poster, keeps_a_stalled_endpoint_from_delaying_another) {
  http_receiver slow;
  slow.answer_otherwise(answer{200, 30s});
  http_receiver fast;
  outcomes slow_done;
  outcomes fast_done;
  http_poster poster;  // 15 s timeout: the slow one stays in flight throughout
  poster.post(slow.url(), "{}", {}, slow_done.handler("slow"));
  ASSERT_TRUE(wait_until([&] { return slow.request_count() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) poster.post(fast.url(), "{}", {}, fast_done.handler("fast"));
  ASSERT_TRUE(wait_until([&] { return fast_done.size() == 20; }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  for (std::size_t i = 0; i < 20; ++i) EXPECT_TRUE(fast_done.at(i).ok);
  EXPECT_EQ(slow_done.size(), 0u);
  EXPECT_EQ(poster.in_flight(), 1u);
}

TEST(http_poster, queues_beyond_max_concurrent_in_fifo_order) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{200, 20ms});
  outcomes done;
  poster_settings settings;
  settings.max_concurrent = 1;
  http_poster poster(settings);
  std::atomic<std::size_t> most_in_flight{0};
  for (int i = 0; i < 6; ++i) {
    const std::string name = std::to_string(i);
    poster.post(receiver.url("/" + name), "{}", {}, [&, handler = done.handler(name)](auto r) {
      most_in_flight = std::max(most_in_flight.load(), poster.in_flight());
      handler(std::move(r));
    });
  }
  ASSERT_TRUE(wait_until([&] { return done.size() == 6; }));
  EXPECT_EQ(done.names(), (std::vector<std::string>{"0", "1", "2", "3", "4", "5"}));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(requests[i].path, "/" + std::to_string(i));
  EXPECT_LE(most_in_flight.load(), 1u);
  EXPECT_EQ(poster.queued(), 0u);
}

TEST(http_poster, reuses_a_kept_alive_connection) {
  http_receiver receiver;
  outcomes done;
  http_poster poster;
  for (std::size_t i = 1; i <= 5; ++i) {
    poster.post(receiver.url(), "{}", {}, done.handler("again"));
    ASSERT_TRUE(wait_until([&] { return done.size() == i; }));
  }
  EXPECT_EQ(receiver.request_count(), 5u);
  EXPECT_EQ(receiver.connections_accepted(), 1u);
}

TEST(http_poster, stop_aborts_in_flight_and_queued_posts_as_stopped) {
  http_receiver receiver;
  receiver.answer_otherwise(answer{200, 30s});
  outcomes done;
  poster_settings settings;
  settings.max_concurrent = 1;
  http_poster poster(settings);
  poster.post(receiver.url(), "{}", {}, done.handler("in flight"));
  poster.post(receiver.url(), "{}", {}, done.handler("queued"));
  ASSERT_TRUE(wait_until([&] { return receiver.request_count() == 1; }));
  EXPECT_EQ(poster.queued(), 1u);
  poster.stop();
  ASSERT_EQ(done.size(), 2u);  // before stop() returned
  EXPECT_EQ(done.names(), (std::vector<std::string>{"in flight", "queued"}));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_FALSE(done.at(i).ok);
    EXPECT_EQ(done.at(i).error, "stopped");
  }
  poster.post(receiver.url(), "{}", {}, done.handler("after stop"));
  EXPECT_EQ(done.size(), 2u);
}

TEST(http_poster, runs_tasks_on_its_thread_in_time_order) {
  http_poster poster;
  std::mutex mutex;
  std::vector<int> order;
  std::thread::id task_thread;
  const auto started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration last_ran_after{};
  auto record = [&](int n) {
    return [&, n] {
      std::lock_guard lock(mutex);
      order.push_back(n);
      task_thread = std::this_thread::get_id();
      last_ran_after = std::chrono::steady_clock::now() - started;
    };
  };
  poster.run_after(150ms, record(3));
  poster.run_after(50ms, record(2));
  poster.run_after(0ms, record(1));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mutex);
    return order.size() == 3;
  }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(last_ran_after, 150ms);
  EXPECT_NE(task_thread, std::this_thread::get_id());
}

TEST(http_poster, discards_waiting_tasks_at_stop) {
  http_poster poster;
  std::atomic<bool> ran{false};
  poster.run_after(10s, [&] { ran = true; });
  poster.stop();
  EXPECT_FALSE(ran.load());
}

}  // namespace
}  // namespace smppd::webhook
