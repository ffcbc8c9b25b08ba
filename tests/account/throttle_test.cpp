#include "account/throttle.hpp"

#include <gtest/gtest.h>

namespace {

using smppd::account::throttle;
using namespace std::chrono_literals;

const smppd::steady_time t0{std::chrono::seconds(1000)};

int acquired(throttle& t, int attempts, smppd::steady_time now) {
  int ok = 0;
  for (int i = 0; i < attempts; ++i) ok += t.try_acquire(now) ? 1 : 0;
  return ok;
}

TEST(throttle, zero_means_unlimited) {
  throttle t(0, t0);
  EXPECT_EQ(acquired(t, 100000, t0), 100000);
}

TEST(throttle, allows_one_seconds_burst_then_refuses) {
  throttle t(100, t0);
  EXPECT_EQ(acquired(t, 150, t0), 100);
}

TEST(throttle, refills_at_the_configured_rate) {
  throttle t(100, t0);
  acquired(t, 100, t0);
  EXPECT_EQ(acquired(t, 100, t0 + 100ms), 10);
  EXPECT_EQ(acquired(t, 100, t0 + 600ms), 50);
}

TEST(throttle, never_banks_more_than_one_second) {
  throttle t(10, t0);
  EXPECT_EQ(acquired(t, 100, t0 + 1h), 10);
}

TEST(throttle, a_steady_rate_at_the_limit_is_never_refused) {
  throttle t(50, t0);
  int refused = 0;
  for (int i = 1; i <= 500; ++i) refused += t.try_acquire(t0 + i * 20ms) ? 0 : 1;
  EXPECT_EQ(refused, 0);
}

TEST(throttle, a_clock_going_backwards_grants_nothing_extra) {
  throttle t(10, t0);
  acquired(t, 10, t0);
  EXPECT_EQ(acquired(t, 10, t0 - 5s), 0);
}

}  // namespace
