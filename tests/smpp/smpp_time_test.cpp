#include "smpp/smpp_time.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono;
using smppd::smpp::resolve_smpp_time;

const smppd::wall_time reference_time = sys_days{2026y / November / 25} + 12h + 30min;

smppd::wall_time at(sys_days date, hours h, minutes m = 0min, seconds s = 0s) {
  return date + h + m + s;
}

TEST(smpp_time, empty_means_not_given) {
  const auto r = resolve_smpp_time("", reference_time);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
}

TEST(smpp_time, absolute_utc) {
  const auto r = resolve_smpp_time("261224153000000+", reference_time);
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, at(2026y / December / 24, 15h, 30min));
}

TEST(smpp_time, absolute_with_tenths) {
  const auto r = resolve_smpp_time("261224153000500+", reference_time);
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, at(2026y / December / 24, 15h, 30min) + 500ms);
}

TEST(smpp_time, plus_offset_is_ahead_of_utc) {
  // 15:30 local at UTC+2 (8 quarters) is 13:30 UTC.
  const auto r = resolve_smpp_time("261224153000008+", reference_time);
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, at(2026y / December / 24, 13h, 30min));
}

TEST(smpp_time, minus_offset_is_behind_utc) {
  const auto r = resolve_smpp_time("261224153000020-", reference_time);  // UTC-5
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, at(2026y / December / 24, 20h, 30min));
}

TEST(smpp_time, relative_adds_to_now) {
  const auto r = resolve_smpp_time("000001020304000R", reference_time);
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, reference_time + days{1} + 2h + 3min + 4s);
}

TEST(smpp_time, relative_months_are_calendar_months) {
  const smppd::wall_time jan31 = sys_days{2027y / January / 31} + 10h;
  const auto r = resolve_smpp_time("000100000000000R", jan31);
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, sys_days{2027y / February / 28} + 10h);
}

TEST(smpp_time, rejects_wrong_lengths) {
  EXPECT_FALSE(resolve_smpp_time("26122415300000+", reference_time));
  EXPECT_FALSE(resolve_smpp_time("2612241530000000+", reference_time));
}

TEST(smpp_time, rejects_an_unknown_direction) {
  EXPECT_FALSE(resolve_smpp_time("261224153000000X", reference_time));
}

TEST(smpp_time, rejects_non_digits) {
  EXPECT_FALSE(resolve_smpp_time("26122415300a000+", reference_time));
  EXPECT_FALSE(resolve_smpp_time("2612241530000 0+", reference_time));
}

TEST(smpp_time, rejects_impossible_dates_and_times) {
  EXPECT_FALSE(resolve_smpp_time("261324153000000+", reference_time));  // month 13
  EXPECT_FALSE(resolve_smpp_time("260230153000000+", reference_time));  // 30 February
  EXPECT_FALSE(resolve_smpp_time("261224243000000+", reference_time));  // hour 24
  EXPECT_FALSE(resolve_smpp_time("261224156000000+", reference_time));  // minute 60
  EXPECT_FALSE(resolve_smpp_time("261224153060000+", reference_time));  // second 60
  EXPECT_FALSE(resolve_smpp_time("261200153000000+", reference_time));  // day 0
}

TEST(smpp_time, quarter_hour_offset_48_is_the_limit) {
  EXPECT_TRUE(resolve_smpp_time("261224153000048+", reference_time));
  EXPECT_FALSE(resolve_smpp_time("261224153000049+", reference_time));
}

TEST(smpp_time, leap_day_is_accepted_in_a_leap_year_only) {
  EXPECT_TRUE(resolve_smpp_time("280229120000000+", reference_time));
  EXPECT_FALSE(resolve_smpp_time("270229120000000+", reference_time));
}

}  // namespace
