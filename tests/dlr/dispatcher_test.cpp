#include "dlr/dispatcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace smppd::dlr {
namespace {

using namespace std::chrono_literals;

const wall_time t0 = wall_time{} + std::chrono::hours(24 * 365 * 55);

core::receipt_record receipt(std::uint64_t id, std::string system_id = "acme",
                             wall_time created = t0) {
  core::receipt_record r;
  r.receipt_id = id;
  r.system_id = std::move(system_id);
  r.message_id = 1000 + id;
  r.text = "id:" + std::to_string(1000 + id);
  r.created_at = created;
  return r;
}

std::vector<std::pair<session_id, std::uint64_t>> pairs(const std::vector<assignment>& v) {
  std::vector<std::pair<session_id, std::uint64_t>> out;
  for (const auto& a : v) out.emplace_back(a.session, a.receipt->receipt_id);
  return out;
}

std::map<session_id, std::size_t> per_session(const std::vector<assignment>& v) {
  std::map<session_id, std::size_t> out;
  for (const auto& a : v) ++out[a.session];
  return out;
}

TEST(dlr_dispatcher, spreads_receipts_over_three_sessions_in_turn) {
  dispatcher d;
  d.add_session(1, "acme", 10);
  d.add_session(2, "acme", 10);
  d.add_session(3, "acme", 10);
  for (std::uint64_t id = 1; id <= 6; ++id) d.enqueue(receipt(id));
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{
                                     {1, 1}, {2, 2}, {3, 3}, {1, 4}, {2, 5}, {3, 6}}));
}

TEST(dlr_dispatcher, picks_the_session_with_the_fewest_unacknowledged) {
  dispatcher d;
  d.add_session(1, "acme", 10);
  d.add_session(2, "acme", 10);
  d.add_session(3, "acme", 10);
  for (std::uint64_t id = 1; id <= 6; ++id) d.enqueue(receipt(id));
  ASSERT_EQ(d.assign(t0).size(), 6u);  // two each
  // Session 2 acknowledges both: it now has the fewest and gets the next two.
  EXPECT_EQ(d.acked(2, 2, true, t0), ack_result::done);
  EXPECT_EQ(d.acked(2, 5, true, t0), ack_result::done);
  d.acked(3, 6, true, t0);  // 1: 2, 2: 0, 3: 1
  for (std::uint64_t id = 7; id <= 10; ++id) d.enqueue(receipt(id));
  // 7 to session 2 (0); then 2 and 3 tie at 1: in turn 3, 2; then 3 (all at 2, in turn).
  EXPECT_EQ(pairs(d.assign(t0)),
            (std::vector<std::pair<session_id, std::uint64_t>>{{2, 7}, {3, 8}, {2, 9}, {3, 10}}));
  EXPECT_EQ(d.in_flight(1), 2u);
  EXPECT_EQ(d.in_flight(2), 2u);
  EXPECT_EQ(d.in_flight(3), 3u);
}

TEST(dlr_dispatcher, never_exceeds_a_session_window) {
  dispatcher d;
  d.add_session(1, "acme", 2);
  d.add_session(2, "acme", 3);
  for (std::uint64_t id = 1; id <= 10; ++id) d.enqueue(receipt(id));
  const auto first = d.assign(t0);
  EXPECT_EQ(first.size(), 5u);
  EXPECT_EQ(per_session(first), (std::map<session_id, std::size_t>{{1, 2}, {2, 3}}));
  EXPECT_TRUE(d.assign(t0).empty());
  EXPECT_EQ(d.queued("acme"), 5u);
  EXPECT_EQ(d.pending("acme"), 10u);
  d.acked(1, first[0].receipt->receipt_id, true, t0);
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 6}}));
  EXPECT_EQ(d.in_flight(1), 2u);
  EXPECT_EQ(d.in_flight(2), 3u);
}

TEST(dlr_dispatcher, keeps_receipts_until_a_receiver_binds) {
  dispatcher d;
  d.enqueue(receipt(1));
  d.enqueue(receipt(2, "other"));
  EXPECT_TRUE(d.assign(t0).empty());
  d.add_session(9, "acme", 10);
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{9, 1}}));
  EXPECT_EQ(d.queued("other"), 1u);
}

TEST(dlr_dispatcher, sends_each_receipt_only_to_its_own_account) {
  dispatcher d;
  d.add_session(1, "acme", 10);
  d.add_session(2, "globex", 10);
  d.enqueue(receipt(1, "globex"));
  d.enqueue(receipt(2, "acme"));
  d.enqueue(receipt(3, "globex"));
  auto got = pairs(d.assign(t0));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<session_id, std::uint64_t>>{{1, 2}, {2, 1}, {2, 3}}));
}

TEST(dlr_dispatcher, resends_receipts_in_flight_on_an_ended_session_at_once_elsewhere) {
  dispatcher d;
  d.add_session(1, "acme", 2);
  d.add_session(2, "acme", 2);
  for (std::uint64_t id = 1; id <= 5; ++id) d.enqueue(receipt(id));
  EXPECT_EQ(pairs(d.assign(t0)),
            (std::vector<std::pair<session_id, std::uint64_t>>{{1, 1}, {2, 2}, {1, 3}, {2, 4}}));
  d.acked(2, 2, true, t0);
  d.acked(2, 4, true, t0);
  EXPECT_EQ(d.remove_session(1), 2u);
  EXPECT_EQ(d.in_flight(1), 0u);
  // Front of the queue: 1 and 3 go out before 5, on the remaining session.
  EXPECT_EQ(pairs(d.assign(t0)),
            (std::vector<std::pair<session_id, std::uint64_t>>{{2, 1}, {2, 3}}));
  EXPECT_EQ(d.acked(1, 1, true, t0), ack_result::unknown);  // the ended session is gone
  EXPECT_EQ(d.acked(2, 1, true, t0), ack_result::done);
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{2, 5}}));
}

TEST(dlr_dispatcher, requeues_on_the_last_session_end_until_one_binds) {
  dispatcher d;
  d.add_session(1, "acme", 5);
  d.enqueue(receipt(1));
  ASSERT_EQ(d.assign(t0).size(), 1u);
  d.remove_session(1);
  EXPECT_TRUE(d.assign(t0).empty());
  EXPECT_EQ(d.queued("acme"), 1u);
  d.add_session(2, "acme", 5);
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{2, 1}}));
}

TEST(dlr_dispatcher, retries_an_error_ack_after_a_delay_that_backs_off_to_30_s) {
  dispatcher d;
  d.add_session(1, "acme", 5);
  d.enqueue(receipt(1));
  wall_time now = t0;
  ASSERT_EQ(d.assign(now).size(), 1u);
  for (auto delay : {1s, 2s, 4s, 8s, 16s, 30s, 30s}) {
    EXPECT_EQ(d.acked(1, 1, false, now), ack_result::retry);
    EXPECT_EQ(d.in_flight(1), 0u);
    EXPECT_EQ(d.next_retry(), now + delay);
    EXPECT_TRUE(d.assign(now + delay - 1ms).empty()) << delay.count();
    now += delay;
    EXPECT_EQ(pairs(d.assign(now)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 1}}));
  }
  EXPECT_EQ(d.acked(1, 1, true, now), ack_result::done);
  EXPECT_EQ(d.pending(), 0u);
  EXPECT_EQ(d.next_retry(), std::nullopt);
}

TEST(dlr_dispatcher, keeps_sending_other_receipts_while_one_waits_for_its_retry) {
  dispatcher d;
  d.add_session(1, "acme", 1);
  d.enqueue(receipt(1));
  d.enqueue(receipt(2));
  ASSERT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 1}}));
  d.acked(1, 1, false, t0);
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 2}}));
  d.acked(1, 2, true, t0);
  EXPECT_EQ(pairs(d.assign(t0 + 1s)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 1}}));
}

TEST(dlr_dispatcher, ignores_an_ack_for_a_receipt_not_in_flight_on_that_session) {
  dispatcher d;
  d.add_session(1, "acme", 5);
  d.add_session(2, "acme", 5);
  d.enqueue(receipt(1));
  ASSERT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 1}}));
  EXPECT_EQ(d.acked(2, 1, true, t0), ack_result::unknown);
  EXPECT_EQ(d.acked(1, 99, true, t0), ack_result::unknown);
  EXPECT_EQ(d.acked(7, 1, true, t0), ack_result::unknown);
  EXPECT_EQ(d.acked(1, 1, true, t0), ack_result::done);
  EXPECT_EQ(d.acked(1, 1, true, t0), ack_result::unknown);  // a duplicate resp
}

TEST(dlr_dispatcher, ignores_a_receipt_enqueued_twice) {
  dispatcher d;
  d.enqueue(receipt(1));
  d.enqueue(receipt(1));
  EXPECT_EQ(d.pending("acme"), 1u);
}

TEST(dlr_dispatcher, drops_the_oldest_beyond_the_cap_and_counts_them) {
  dispatcher d(dispatcher_settings{3, std::chrono::hours(48), 1000ms, 30000ms});
  for (std::uint64_t id = 1; id <= 3; ++id) EXPECT_EQ(d.enqueue(receipt(id)), 0u);
  EXPECT_EQ(d.enqueue(receipt(4)), 1u);
  EXPECT_EQ(d.enqueue(receipt(5)), 1u);
  EXPECT_EQ(d.enqueue(receipt(6, "other")), 0u);  // per account
  EXPECT_EQ(d.dropped(), 2u);
  EXPECT_EQ(d.pending("acme"), 3u);
  d.add_session(1, "acme", 10);
  EXPECT_EQ(pairs(d.assign(t0)),
            (std::vector<std::pair<session_id, std::uint64_t>>{{1, 3}, {1, 4}, {1, 5}}));
}

TEST(dlr_dispatcher, drops_the_lowest_receipt_id_as_the_store_does_whatever_the_enqueue_order) {
  dispatcher d(dispatcher_settings{2, std::chrono::hours(48), 1000ms, 30000ms});
  d.enqueue(receipt(20));
  d.enqueue(receipt(10));
  EXPECT_EQ(d.enqueue(receipt(30)), 1u);
  d.add_session(1, "acme", 10);
  EXPECT_EQ(pairs(d.assign(t0)),
            (std::vector<std::pair<session_id, std::uint64_t>>{{1, 20}, {1, 30}}));
}

TEST(dlr_dispatcher, counts_receipts_in_flight_and_waiting_for_retry_against_the_cap) {
  dispatcher d(dispatcher_settings{2, std::chrono::hours(48), 1000ms, 30000ms});
  d.add_session(1, "acme", 1);
  d.enqueue(receipt(1));
  d.enqueue(receipt(2));
  ASSERT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 1}}));
  // 1 is in flight and the oldest: it is dropped, yet its window slot stays taken until
  // its ack comes; an error ack then does not bring it back.
  EXPECT_EQ(d.enqueue(receipt(3)), 1u);
  EXPECT_EQ(d.pending("acme"), 2u);
  EXPECT_TRUE(d.assign(t0).empty());
  EXPECT_EQ(d.acked(1, 1, false, t0), ack_result::dropped);
  EXPECT_EQ(pairs(d.assign(t0)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 2}}));
  EXPECT_EQ(d.acked(1, 2, false, t0), ack_result::retry);
  EXPECT_EQ(d.enqueue(receipt(4)), 1u);  // 2, waiting for its retry, is now the oldest
  EXPECT_EQ(pairs(d.assign(t0 + 1h)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 3}}));
  EXPECT_EQ(d.dropped(), 2u);
}

TEST(dlr_dispatcher, drops_receipts_past_retention_and_returns_their_ids) {
  dispatcher d;
  d.enqueue(receipt(1, "acme", t0));
  d.enqueue(receipt(2, "acme", t0 + 1h));
  d.enqueue(receipt(3, "other", t0 + 30min));
  EXPECT_TRUE(d.expire(t0 + 48h - 1s).empty());
  auto gone = d.expire(t0 + 48h + 30min);
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(gone, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(d.expired(), 2u);
  EXPECT_EQ(d.pending(), 1u);
  d.add_session(1, "acme", 10);
  d.add_session(2, "other", 10);
  EXPECT_EQ(pairs(d.assign(t0 + 49h)), (std::vector<std::pair<session_id, std::uint64_t>>{{1, 2}}));
}

TEST(dlr_dispatcher, forgets_an_expired_receipt_waiting_for_retry) {
  dispatcher d;
  d.add_session(1, "acme", 10);
  d.enqueue(receipt(1));
  ASSERT_EQ(d.assign(t0).size(), 1u);
  d.acked(1, 1, false, t0);
  EXPECT_EQ(d.expire(t0 + 48h), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(d.assign(t0 + 49h).empty());
  EXPECT_EQ(d.pending(), 0u);
}

TEST(dlr_dispatcher, delivers_every_receipt_at_least_once_through_session_churn) {
  dispatcher d;
  std::set<std::uint64_t> acked;
  std::uint64_t next_id = 1;
  session_id next_session = 1;
  std::vector<session_id> live;
  for (int k = 0; k < 3; ++k) {
    d.add_session(next_session, "acme", 4);
    live.push_back(next_session++);
  }
  wall_time now = t0;
  for (int round = 0; round < 2000; ++round) {
    for (int k = 0; k < 3; ++k) d.enqueue(receipt(next_id++));
    for (const auto& a : d.assign(now)) {
      const auto id = a.receipt->receipt_id;
      if (id % 7 == 0 && round % 3 == 0) {
        d.acked(a.session, id, false, now);
      } else if (id % 11 == 0) {
        // left in flight: the session ends below
      } else if (d.acked(a.session, id, true, now) == ack_result::done) {
        EXPECT_TRUE(acked.insert(id).second) << "acknowledged twice: " << id;
      }
    }
    if (round % 10 == 9) {
      d.remove_session(live.front());
      live.erase(live.begin());
      d.add_session(next_session, "acme", 4);
      live.push_back(next_session++);
    }
    now += 100ms;
  }
  // Drain: every session ends and one clean session takes the rest.
  for (auto s : live) d.remove_session(s);
  d.add_session(next_session, "acme", 1000);
  for (int k = 0; k < 100 && d.pending() > 0; ++k) {
    now += 30s;
    for (const auto& a : d.assign(now)) {
      EXPECT_EQ(d.acked(a.session, a.receipt->receipt_id, true, now), ack_result::done);
      acked.insert(a.receipt->receipt_id);
    }
  }
  EXPECT_EQ(d.pending(), 0u);
  EXPECT_EQ(acked.size(), next_id - 1);
}

TEST(dlr_dispatcher, rejects_a_session_id_already_added) {
  dispatcher d;
  EXPECT_TRUE(d.add_session(1, "acme", 10));
  EXPECT_FALSE(d.add_session(1, "other", 10));
  EXPECT_EQ(d.remove_session(42), 0u);
}

// ---- a cluster's share of the queue -------------------------------------------------

TEST(dlr_dispatcher, room_is_what_the_sessions_here_should_hold_less_what_they_do) {
  dispatcher d;
  EXPECT_EQ(d.room("acme", 100, 4), 0u);  // no session here: nothing for this node
  d.add_session(1, "acme", 10);
  d.add_session(2, "acme", 30);
  EXPECT_EQ(d.room("acme", 100, 4), 160u);  // 4 x (10 + 30) beats the floor
  EXPECT_EQ(d.room("acme", 500, 4), 500u);  // the floor beats it
  for (std::uint64_t id = 1; id <= 60; ++id) d.enqueue(receipt(id));
  EXPECT_EQ(d.room("acme", 100, 4), 100u);
  d.enqueue(receipt(61, "globex"));
  EXPECT_EQ(d.rooms(100, 4), (std::vector<std::pair<std::string, std::size_t>>{{"acme", 100}}));
}

TEST(dlr_dispatcher, releases_the_receipts_of_accounts_without_a_session_here) {
  dispatcher d;
  d.add_session(1, "acme", 2);
  for (std::uint64_t id = 1; id <= 3; ++id) d.enqueue(receipt(id));
  d.enqueue(receipt(4, "globex"));
  auto sent = d.assign(t0);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(d.acked(1, sent[0].receipt->receipt_id, false, t0), ack_result::retry);
  EXPECT_TRUE(d.release_unattended() == std::vector<std::uint64_t>{4});  // acme has a session
  EXPECT_EQ(d.pending(), 3u);
  d.remove_session(1);
  auto released = d.release_unattended();
  std::sort(released.begin(), released.end());
  EXPECT_EQ(released, (std::vector<std::uint64_t>{1, 2, 3}));  // queued, in flight, retrying
  EXPECT_EQ(d.pending(), 0u);
  EXPECT_EQ(d.pending("acme"), 0u);
  // Nothing of them comes back, not even the retry; a new receipt of the account does.
  d.add_session(2, "acme", 10);
  EXPECT_TRUE(d.assign(t0 + 1h).empty());
  d.enqueue(receipt(5));
  EXPECT_EQ(pairs(d.assign(t0 + 1h)), (std::vector<std::pair<session_id, std::uint64_t>>{{2, 5}}));
}

}  // namespace
}  // namespace smppd::dlr
