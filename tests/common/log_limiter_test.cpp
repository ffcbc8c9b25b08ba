// The log limiter and the per-key tally: what a flood of events turns into in the log,
// stepped with a made-up clock.
#include "common/log_limiter.hpp"

#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "support/test_time.hpp"

namespace {

using namespace std::chrono_literals;
using smppd::steady_time;

using smppd::test_support::t0;

TEST(log_limiter, logs_the_first_burst_then_counts_by_kind) {
  smppd::log_limiter<steady_time> limiter(3, 10s);
  int logged = 0;
  for (int i = 0; i < 1000; ++i) logged += limiter.admit("unsupported command", t0) ? 1 : 0;
  for (int i = 0; i < 5; ++i) logged += limiter.admit("undecodable PDU", t0 + 1s) ? 1 : 0;
  EXPECT_EQ(logged, 3);
  EXPECT_EQ(limiter.total_suppressed(), 1002u);
  // Not before the interval is over.
  EXPECT_TRUE(limiter.summary(t0 + 9s).empty());
  const auto summary = limiter.summary(t0 + 10s);
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(smppd::format_counts(summary), "undecodable PDU 5, unsupported command 997");
  EXPECT_TRUE(limiter.summary(t0 + 11s).empty());  // reported once
}

TEST(log_limiter, a_new_interval_admits_a_new_burst) {
  smppd::log_limiter<steady_time> limiter(2, 10s);
  EXPECT_TRUE(limiter.admit("a", t0));
  EXPECT_TRUE(limiter.admit("a", t0));
  EXPECT_FALSE(limiter.admit("a", t0 + 9s));
  EXPECT_TRUE(limiter.admit("a", t0 + 10s));
  EXPECT_TRUE(limiter.admit("a", t0 + 10s));
  EXPECT_FALSE(limiter.admit("a", t0 + 10s));
}

TEST(log_limiter, force_reports_what_was_suppressed_at_once) {
  smppd::log_limiter<steady_time> limiter(0, 10s);
  EXPECT_FALSE(limiter.admit("unexpected response", t0));
  EXPECT_TRUE(limiter.summary(t0).empty());
  EXPECT_EQ(smppd::format_counts(limiter.summary(t0, true)), "unexpected response 1");
  EXPECT_TRUE(limiter.summary(t0, true).empty());
}

TEST(log_limiter, lines_of_a_flood_grow_with_time_not_with_events) {
  // A million events over 100 s, 5 lines admitted per 10 s: 50 lines and at most one
  // summary per interval, whatever the event rate.
  smppd::log_limiter<steady_time> limiter(5, 10s);
  int lines = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const auto now = t0 + std::chrono::microseconds(i * 100);
    lines += static_cast<int>(limiter.summary(now).size() > 0);
    lines += limiter.admit("unsupported command", now) ? 1 : 0;
  }
  lines += static_cast<int>(limiter.summary(t0 + 100s, true).size() > 0);
  EXPECT_EQ(lines, 50 + 10);
}

TEST(interval_tally, one_count_per_key_per_interval) {
  smppd::interval_tally<steady_time> tally(10s);
  for (int i = 0; i < 1000; ++i) tally.add("acme", 1, t0 + std::chrono::milliseconds(i));
  tally.add("beta", 7, t0 + 2s);
  tally.add("zero", 0, t0 + 2s);  // nothing to say
  EXPECT_TRUE(tally.take_due(t0 + 9s).empty());
  const auto due = tally.take_due(t0 + 10s);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0], (std::pair<std::string, std::uint64_t>{"acme", 1000}));
  EXPECT_EQ(due[1], (std::pair<std::string, std::uint64_t>{"beta", 7}));
  EXPECT_TRUE(tally.take_due(t0 + 30s).empty());
  // The next interval starts with the next count.
  tally.add("acme", 2, t0 + 40s);
  EXPECT_TRUE(tally.take_due(t0 + 49s).empty());
  EXPECT_EQ(tally.take_due(t0 + 41s, true).size(), 1u);
}

}  // namespace
