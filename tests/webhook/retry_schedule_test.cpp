#include "webhook/retry_schedule.hpp"

#include <gtest/gtest.h>

namespace smppd::webhook {
namespace {

using namespace std::chrono_literals;

TEST(delay_after_failure, follows_the_contracts_schedule_then_gives_up) {
  EXPECT_EQ(delay_after_failure(1), 60s);
  EXPECT_EQ(delay_after_failure(2), 120s);
  EXPECT_EQ(delay_after_failure(3), 360s);
  EXPECT_EQ(delay_after_failure(4), 24min);
  EXPECT_EQ(delay_after_failure(5), 2h);
  EXPECT_EQ(delay_after_failure(6), 12h);
  EXPECT_EQ(delay_after_failure(7), std::nullopt);
  EXPECT_EQ(delay_after_failure(1000), std::nullopt);
}

TEST(delay_after_failure, waits_nothing_before_any_failure) {
  EXPECT_EQ(delay_after_failure(0), 0ms);
}

TEST(delay_after_failure, scales_for_tests) {
  EXPECT_EQ(delay_after_failure(1, 0.001), 60ms);
  EXPECT_EQ(delay_after_failure(2, 0.001), 120ms);
  EXPECT_EQ(delay_after_failure(3, 0.001), 360ms);
  EXPECT_EQ(delay_after_failure(4, 0.001), 1440ms);
  EXPECT_EQ(delay_after_failure(5, 0.001), 7200ms);
  EXPECT_EQ(delay_after_failure(6, 0.001), 43200ms);
  EXPECT_EQ(delay_after_failure(7, 0.001), std::nullopt);
}

TEST(delay_after_failure, treats_a_negative_scale_as_no_wait) {
  EXPECT_EQ(delay_after_failure(1, -1.0), 0ms);
}

}  // namespace
}  // namespace smppd::webhook
