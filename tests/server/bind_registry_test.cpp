// The node's record of binds per account: max_binds across sessions, and one throughput
// limit shared by all of an account's sessions, on the test's time.
#include "server/bind_registry.hpp"

#include <gtest/gtest.h>

#include "support/test_time.hpp"

namespace {

using namespace std::chrono_literals;
using smppd::steady_time;
using smppd::server::bind_registry;

using smppd::test_support::t0;

TEST(bind_registry, refuses_binds_beyond_max_binds_and_frees_a_slot_on_unbind) {
  bind_registry r;
  EXPECT_TRUE(r.try_bind("acme", 2, 0, t0));
  EXPECT_TRUE(r.try_bind("acme", 2, 0, t0));
  EXPECT_FALSE(r.try_bind("acme", 2, 0, t0));
  EXPECT_EQ(r.bound_sessions("acme"), 2u);
  EXPECT_TRUE(r.try_bind("other", 2, 0, t0));  // per account
  r.unbind("acme");
  EXPECT_EQ(r.bound_sessions("acme"), 1u);
  EXPECT_TRUE(r.try_bind("acme", 2, 0, t0));
}

TEST(bind_registry, unbinding_more_than_was_bound_never_goes_below_zero) {
  bind_registry r;
  r.unbind("ghost");
  EXPECT_EQ(r.bound_sessions("ghost"), 0u);
  ASSERT_TRUE(r.try_bind("acme", 1, 0, t0));
  r.unbind("acme");
  r.unbind("acme");
  EXPECT_EQ(r.bound_sessions("acme"), 0u);
  EXPECT_TRUE(r.try_bind("acme", 1, 0, t0));
  EXPECT_FALSE(r.try_bind("acme", 1, 0, t0));
}

TEST(bind_registry, the_throughput_limit_is_shared_by_all_sessions_of_an_account) {
  bind_registry r;
  ASSERT_TRUE(r.try_bind("acme", 10, 3, t0));
  ASSERT_TRUE(r.try_bind("acme", 10, 3, t0));  // a second session: the same bucket
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += r.try_submit("acme", t0) ? 1 : 0;
  EXPECT_EQ(accepted, 3);
  EXPECT_TRUE(r.try_submit("acme", t0 + 1s));
}

TEST(bind_registry, zero_throughput_is_unlimited) {
  bind_registry r;
  ASSERT_TRUE(r.try_bind("acme", 10, 0, t0));
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(r.try_submit("acme", t0));
}

TEST(bind_registry, a_changed_throughput_takes_effect_on_the_next_bind) {
  bind_registry r;
  ASSERT_TRUE(r.try_bind("acme", 10, 1, t0));
  EXPECT_TRUE(r.try_submit("acme", t0));
  EXPECT_FALSE(r.try_submit("acme", t0));
  ASSERT_TRUE(r.try_bind("acme", 10, 5, t0));  // `smppd account` raised it
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += r.try_submit("acme", t0) ? 1 : 0;
  EXPECT_EQ(accepted, 5);
}

}  // namespace
