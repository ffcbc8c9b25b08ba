#include "client/window.hpp"

#include <gtest/gtest.h>

#include <set>

namespace smppd::client {
namespace {

using namespace std::chrono_literals;
using smpp::command_id;

const steady_time t0{};

TEST(request_window, hands_out_sequence_numbers_from_1_in_order) {
  request_window w(4);
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), 1u);
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), 2u);
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), 3u);
  EXPECT_EQ(w.in_flight(), 3u);
}

TEST(request_window, refuses_a_request_when_full_and_accepts_again_once_a_slot_is_freed) {
  request_window w(2);
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 1s, 10));
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 1s, 11));
  EXPECT_TRUE(w.full());
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 12), std::nullopt);
  const auto done = w.complete(1, command_id::submit_sm_resp);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->tag, 10u);
  EXPECT_FALSE(w.full());
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 12), 3u);
}

TEST(request_window, lets_control_requests_through_a_full_window) {
  request_window w(1, 2);
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 1s, 0));
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), std::nullopt);
  EXPECT_TRUE(w.try_acquire(command_id::enquire_link, t0, 1s, 0, true));
  EXPECT_TRUE(w.try_acquire(command_id::unbind, t0, 1s, 0, true));
  EXPECT_EQ(w.try_acquire(command_id::enquire_link, t0, 1s, 0, true), std::nullopt);
  EXPECT_EQ(w.in_flight(), 1u);
  EXPECT_EQ(w.total_in_flight(), 3u);
}

TEST(request_window, matches_responses_by_sequence_number_in_any_order) {
  request_window w(8);
  for (std::uint64_t tag = 100; tag < 105; ++tag) {
    ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 1s, tag));
  }
  for (std::uint32_t seq : {4u, 1u, 5u, 3u, 2u}) {
    const auto done = w.complete(seq, command_id::submit_sm_resp);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->sequence_number, seq);
    EXPECT_EQ(done->tag, 99u + seq);
  }
  EXPECT_TRUE(w.empty());
}

TEST(request_window, ignores_an_unexpected_or_duplicate_response) {
  request_window w(4);
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 1s, 0));
  EXPECT_EQ(w.complete(2, command_id::submit_sm_resp), std::nullopt);     // never sent
  EXPECT_EQ(w.complete(0, command_id::submit_sm_resp), std::nullopt);     // invalid
  EXPECT_EQ(w.complete(1, command_id::enquire_link_resp), std::nullopt);  // wrong kind
  EXPECT_TRUE(w.complete(1, command_id::submit_sm_resp));
  EXPECT_EQ(w.complete(1, command_id::submit_sm_resp), std::nullopt);  // duplicate
  EXPECT_TRUE(w.empty());
}

TEST(request_window, accepts_generic_nack_as_the_answer_to_any_request) {
  request_window w(4);
  ASSERT_TRUE(w.try_acquire(command_id::bind_transceiver, t0, 1s, 0, true));
  EXPECT_TRUE(w.complete(1, command_id::generic_nack));
}

TEST(request_window, expires_requests_whose_deadline_has_come_as_a_function_of_now) {
  request_window w(4);
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 100ms, 1));
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0 + 50ms, 100ms, 2));
  std::vector<pending_request> out;
  EXPECT_EQ(w.next_deadline(), t0 + 100ms);
  EXPECT_EQ(w.expire(t0 + 99ms, out), 0u);
  EXPECT_EQ(w.expire(t0 + 100ms, out), 1u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tag, 1u);
  EXPECT_EQ(w.next_deadline(), t0 + 150ms);
  EXPECT_EQ(w.expire(t0 + 10s, out), 1u);
  EXPECT_EQ(out.back().tag, 2u);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.next_deadline(), std::nullopt);
  // A late response to an expired request answers nothing.
  EXPECT_EQ(w.complete(1, command_id::submit_sm_resp), std::nullopt);
}

TEST(request_window, wraps_sequence_numbers_from_0x7fffffff_to_1) {
  EXPECT_EQ(next_sequence_number(0x7FFFFFFE), 0x7FFFFFFFu);
  EXPECT_EQ(next_sequence_number(0x7FFFFFFF), 1u);
  request_window w(4, 4, 0x7FFFFFFE);
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), 0x7FFFFFFEu);
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), 0x7FFFFFFFu);
  EXPECT_EQ(w.try_acquire(command_id::submit_sm, t0, 1s, 0), 1u);
  EXPECT_TRUE(w.complete(0x7FFFFFFF, command_id::submit_sm_resp));
  EXPECT_TRUE(w.complete(1, command_id::submit_sm_resp));
  EXPECT_TRUE(w.complete(0x7FFFFFFE, command_id::submit_sm_resp));
}

TEST(request_window, never_hands_out_a_number_still_in_flight_across_many_wraps) {
  request_window w(3, 0, 0x7FFFFFF0);
  std::set<std::uint32_t> live;
  // Keep one old request in flight while the rest cycle past the wrap many times.
  const auto old = w.try_acquire(command_id::submit_sm, t0, 1s, 0);
  ASSERT_TRUE(old);
  live.insert(*old);
  for (int i = 0; i < 1000; ++i) {
    const auto seq = w.try_acquire(command_id::submit_sm, t0, 1s, 0);
    ASSERT_TRUE(seq);
    EXPECT_NE(*seq, 0u);
    EXPECT_LE(*seq, max_sequence_number);
    EXPECT_EQ(live.count(*seq), 0u);
    ASSERT_TRUE(w.complete(*seq, command_id::submit_sm_resp));
  }
  EXPECT_TRUE(w.complete(*old, command_id::submit_sm_resp));
}

TEST(request_window, drains_everything_when_the_connection_ends) {
  request_window w(4);
  ASSERT_TRUE(w.try_acquire(command_id::submit_sm, t0, 1s, 0));
  ASSERT_TRUE(w.try_acquire(command_id::enquire_link, t0, 1s, 0, true));
  std::vector<pending_request> out;
  w.drain(out);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_TRUE(w.empty());
}

TEST(link_timer, is_due_only_after_a_full_interval_of_silence) {
  link_timer timer{30s};
  timer.on_activity(t0);
  EXPECT_FALSE(timer.due(t0 + 29s));
  EXPECT_TRUE(timer.due(t0 + 30s));
  timer.on_activity(t0 + 20s);
  EXPECT_FALSE(timer.due(t0 + 30s));
  link_timer off{0s};
  EXPECT_FALSE(off.due(t0 + 1000s));
}

}  // namespace
}  // namespace smppd::client
