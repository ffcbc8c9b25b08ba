// The failed-bind throttle on a made-up clock: delays that double, the lockout, and
// forgetting.
#include "server/bind_guard.hpp"

#include <gtest/gtest.h>

#include "support/test_time.hpp"

namespace {

using namespace std::chrono_literals;
using smppd::steady_time;
using smppd::server::bind_guard;
using smppd::server::bind_guard_settings;

using smppd::test_support::t0;

bind_guard_settings settings() {
  bind_guard_settings s;
  s.lockout_after = 4;  // a free mistake, 100 ms, 200 ms, then 60 s
  s.lockout = 60s;
  s.first_delay = 100ms;
  return s;
}

TEST(bind_guard, nothing_is_blocked_without_failures) {
  bind_guard guard(settings());
  EXPECT_FALSE(guard.address_blocked("10.0.0.1", t0));
  EXPECT_FALSE(guard.system_id_blocked("acme", t0));
}

TEST(bind_guard, each_failure_doubles_the_delay_then_locks_out) {
  bind_guard guard(settings());
  steady_time now = t0;
  // The first mistake is free.
  EXPECT_FALSE(guard.failed("10.0.0.1", "acme", now).address_locked);
  EXPECT_FALSE(guard.address_blocked("10.0.0.1", now));
  for (const auto delay : {100ms, 200ms}) {
    const auto effect = guard.failed("10.0.0.1", "acme", now);
    EXPECT_FALSE(effect.address_locked);
    EXPECT_TRUE(guard.address_blocked("10.0.0.1", now + delay - 1ms));
    EXPECT_TRUE(guard.system_id_blocked("acme", now + delay - 1ms));
    EXPECT_FALSE(guard.address_blocked("10.0.0.1", now + delay));
    now += delay;
  }
  const auto effect = guard.failed("10.0.0.1", "acme", now);
  EXPECT_TRUE(effect.address_locked);
  EXPECT_TRUE(effect.system_id_locked);
  EXPECT_EQ(guard.lockouts(), 2u);
  EXPECT_TRUE(guard.address_blocked("10.0.0.1", now + 59s));
  EXPECT_FALSE(guard.address_blocked("10.0.0.1", now + 60s));
  EXPECT_FALSE(guard.address_blocked("10.0.0.2", now));  // others are not affected
}

TEST(bind_guard, a_failure_soon_after_a_lockout_locks_again_and_counts_once) {
  bind_guard guard(settings());
  for (int i = 0; i < 4; ++i) guard.failed("10.0.0.1", "", t0);
  EXPECT_EQ(guard.lockouts(), 1u);
  guard.failed("10.0.0.1", "", t0 + 1s);  // during the lockout (a check already running)
  EXPECT_EQ(guard.lockouts(), 1u);
  EXPECT_TRUE(guard.failed("10.0.0.1", "", t0 + 61s).address_locked);
  EXPECT_EQ(guard.lockouts(), 2u);
}

TEST(bind_guard, failures_are_forgotten_after_a_quiet_lockout_period) {
  bind_guard guard(settings());
  for (int i = 0; i < 3; ++i) guard.failed("10.0.0.1", "acme", t0);
  // Quiet for long: the next failure is the first again (a short delay, no lockout).
  EXPECT_FALSE(guard.failed("10.0.0.1", "acme", t0 + 10min).address_locked);
  EXPECT_FALSE(guard.address_blocked("10.0.0.1", t0 + 10min + 100ms));
}

TEST(bind_guard, success_forgets_the_system_ids_failures_not_the_addresses) {
  bind_guard guard(settings());
  guard.failed("10.0.0.1", "acme", t0);
  guard.failed("10.0.0.1", "acme", t0);
  guard.succeeded("acme");
  EXPECT_FALSE(guard.system_id_blocked("acme", t0));
  EXPECT_TRUE(guard.address_blocked("10.0.0.1", t0));
}

TEST(bind_guard, lockout_after_0_turns_the_throttle_off) {
  auto s = settings();
  s.lockout_after = 0;
  bind_guard guard(s);
  for (int i = 0; i < 100; ++i) guard.failed("10.0.0.1", "acme", t0);
  EXPECT_FALSE(guard.address_blocked("10.0.0.1", t0));
  EXPECT_EQ(guard.lockouts(), 0u);
}

TEST(bind_guard, checks_in_flight_are_limited_per_address) {
  bind_guard guard(settings());
  EXPECT_TRUE(guard.try_begin_check("10.0.0.1"));
  EXPECT_TRUE(guard.try_begin_check("10.0.0.1"));
  EXPECT_FALSE(guard.try_begin_check("10.0.0.1"));
  EXPECT_TRUE(guard.try_begin_check("10.0.0.2"));
  guard.end_check("10.0.0.1");
  EXPECT_TRUE(guard.try_begin_check("10.0.0.1"));
}

TEST(bind_guard, many_addresses_do_not_grow_the_tables_without_bound) {
  bind_guard guard(settings());
  for (int i = 0; i < 10000; ++i) guard.failed("10.0." + std::to_string(i), "", t0);
  EXPECT_EQ(guard.tracked(), 10000u);
  // Two minutes later the old ones are over and are forgotten along the way.
  for (int i = 0; i < 4096; ++i) guard.failed("10.1." + std::to_string(i), "", t0 + 2min);
  EXPECT_LE(guard.tracked(), 4096u);
}

TEST(bind_guard, loopback_addresses_are_recognised_as_peers_are_written) {
  using smppd::server::is_loopback_address;
  for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_address(a)) << a;
  }
  for (const char* a : {"10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "1270::1", ""}) {
    EXPECT_FALSE(is_loopback_address(a)) << a;
  }
}

TEST(bind_guard, failures_from_loopback_are_not_counted_by_default) {
  bind_guard guard(settings());
  for (int i = 0; i < 10; ++i) {
    const auto effect = guard.failed("127.0.0.1", "acme", t0);
    EXPECT_FALSE(effect.address_locked);
    EXPECT_FALSE(effect.system_id_locked);
  }
  EXPECT_FALSE(guard.address_blocked("127.0.0.1", t0));
  EXPECT_FALSE(guard.system_id_blocked("acme", t0));
  // Any number of password checks at once: a harness binding many accounts together.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(guard.try_begin_check("::1"));
  EXPECT_EQ(guard.lockouts(), 0u);
  EXPECT_EQ(guard.tracked(), 0u);
  // Another address is still throttled.
  EXPECT_TRUE(guard.try_begin_check("10.0.0.1"));
  EXPECT_TRUE(guard.try_begin_check("10.0.0.1"));
  EXPECT_FALSE(guard.try_begin_check("10.0.0.1"));
}

TEST(bind_guard, loopback_is_throttled_when_asked_to_be) {
  auto s = settings();
  s.limit_loopback = true;
  bind_guard guard(s);
  guard.failed("127.0.0.1", "acme", t0);
  guard.failed("127.0.0.1", "acme", t0);
  EXPECT_TRUE(guard.address_blocked("127.0.0.1", t0));
  EXPECT_TRUE(guard.system_id_blocked("acme", t0));
  EXPECT_TRUE(guard.try_begin_check("127.0.0.1"));
  EXPECT_TRUE(guard.try_begin_check("127.0.0.1"));
  EXPECT_FALSE(guard.try_begin_check("127.0.0.1"));
}

}  // namespace
