#include <gtest/gtest.h>

#include "common/latency_histogram.hpp"
#include "common/status_tally.hpp"

namespace smppd {
namespace {

using namespace std::chrono_literals;

TEST(latency_histogram, counts_cumulatively_per_bound_with_a_sum) {
  latency_histogram h;
  h.add(50us);   // <= 0.1 ms
  h.add(100us);  // on the bound: in it
  h.add(3ms);    // <= 5 ms
  h.add(10s);    // only +Inf
  const auto s = h.read();
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[4], 2u);  // 2.5 ms
  EXPECT_EQ(s.cumulative[5], 3u);  // 5 ms
  EXPECT_EQ(s.cumulative.back(), 3u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_NEAR(s.sum_seconds, 10.00315, 1e-9);
}

TEST(status_tally, counts_each_status_seen_and_one_bucket_above) {
  status_tally t;
  t.add(0);
  t.add(0);
  t.add(0x58);
  t.add(0x10000);
  const auto seen = t.read();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], (std::pair<std::uint32_t, std::uint64_t>{0, 2}));
  EXPECT_EQ(seen[1], (std::pair<std::uint32_t, std::uint64_t>{0x58, 1}));
  EXPECT_EQ(seen[2], (std::pair<std::uint32_t, std::uint64_t>{status_tally::tracked, 1}));
}

}  // namespace
}  // namespace smppd
