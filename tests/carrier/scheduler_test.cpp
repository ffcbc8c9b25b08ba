#include "carrier/scheduler.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace smppd::carrier {
namespace {

using namespace std::chrono_literals;
using dlr::receipt_status;

const wall_time t0 = wall_time{} + std::chrono::hours(24 * 365 * 55);

core::message_record msg(std::uint64_t id, std::uint8_t priority = 0) {
  core::message_record m;
  m.id = id;
  m.system_id = "acme";
  m.destination_addr = "4512345678";
  m.priority = priority;
  m.submitted_at = t0;
  return m;
}

std::vector<std::uint64_t> ids(const std::vector<core::message_record>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& m : v) out.push_back(m.id);
  return out;
}

struct report {
  std::uint64_t id;
  receipt_status status;
  std::uint32_t error;
  wall_time at;
  friend bool operator==(const report&, const report&) = default;
};

std::vector<report> reports(const std::vector<outcome>& v) {
  std::vector<report> out;
  for (const auto& o : v) {
    EXPECT_EQ(o.message->id, o.message_id);
    out.push_back({o.message_id, o.status, o.error, o.done_at});
  }
  return out;
}

TEST(carrier_scheduler, hands_over_higher_priority_first_and_fifo_within_a_priority) {
  scheduler s;
  s.add(msg(1, 0));
  s.add(msg(2, 3));
  s.add(msg(3, 1));
  s.add(msg(4, 3));
  s.add(msg(5, 0));
  s.add(msg(6, 2));
  EXPECT_EQ(ids(s.due(t0, 100)), (std::vector<std::uint64_t>{2, 4, 6, 3, 1, 5}));
  EXPECT_EQ(s.waiting(), 0u);
}

TEST(carrier_scheduler, hands_over_at_most_max_and_keeps_the_rest_in_order) {
  scheduler s;
  for (std::uint64_t id = 1; id <= 5; ++id) s.add(msg(id, id == 4 ? 2 : 0));
  EXPECT_EQ(ids(s.due(t0, 2)), (std::vector<std::uint64_t>{4, 1}));
  EXPECT_EQ(s.next_wake(), wall_time::min());
  EXPECT_EQ(ids(s.due(t0, 0)), std::vector<std::uint64_t>{});
  EXPECT_EQ(ids(s.due(t0, 10)), (std::vector<std::uint64_t>{2, 3, 5}));
  EXPECT_EQ(s.next_wake(), std::nullopt);
}

TEST(carrier_scheduler, holds_a_scheduled_message_until_its_time) {
  scheduler s;
  auto m = msg(1, 3);
  m.schedule_delivery_time = t0 + 10min;
  s.add(m);
  s.add(msg(2, 0));
  EXPECT_EQ(ids(s.due(t0, 10)), std::vector<std::uint64_t>{2});
  EXPECT_EQ(s.next_wake(), t0 + 10min);
  EXPECT_TRUE(s.due(t0 + 10min - 1ms, 10).empty());
  EXPECT_EQ(ids(s.due(t0 + 10min, 10)), std::vector<std::uint64_t>{1});
}

TEST(carrier_scheduler, orders_messages_that_become_due_together_by_priority) {
  scheduler s;
  for (std::uint64_t id = 1; id <= 3; ++id) {
    auto m = msg(id, static_cast<std::uint8_t>(id == 3 ? 1 : 0));
    m.schedule_delivery_time = t0 + std::chrono::seconds(id);
    s.add(m);
  }
  EXPECT_EQ(ids(s.due(t0 + 1h, 10)), (std::vector<std::uint64_t>{3, 1, 2}));
}

TEST(carrier_scheduler, hands_over_a_message_scheduled_in_the_past_at_once) {
  scheduler s;
  auto m = msg(1);
  m.schedule_delivery_time = t0 - 1h;
  s.add(m);
  EXPECT_EQ(ids(s.due(t0, 10)), std::vector<std::uint64_t>{1});
}

TEST(carrier_scheduler, expires_a_message_whose_validity_passes_before_its_schedule_time) {
  scheduler s;
  auto m = msg(1);
  m.schedule_delivery_time = t0 + 2h;
  m.validity_period = t0 + 1h;
  s.add(m);
  EXPECT_EQ(s.next_wake(), t0 + 1h);
  EXPECT_TRUE(s.expired(t0 + 1h - 1s).empty());
  const auto expired = s.expired(t0 + 1h);
  ASSERT_EQ(ids(expired), std::vector<std::uint64_t>{1});
  EXPECT_EQ(expired[0].validity_period, t0 + 1h);
  EXPECT_TRUE(s.due(t0 + 3h, 10).empty());
  EXPECT_EQ(s.waiting(), 0u);
  EXPECT_EQ(s.next_wake(), std::nullopt);
}

TEST(carrier_scheduler, never_hands_over_a_ready_message_past_its_validity) {
  scheduler s;
  auto m = msg(1);
  m.validity_period = t0 + 1s;
  s.add(m);
  s.add(msg(2));
  // due() first, without a call to expired(): the expired one is held back for expired().
  EXPECT_EQ(ids(s.due(t0 + 1s, 10)), std::vector<std::uint64_t>{2});
  EXPECT_EQ(ids(s.expired(t0 + 1s)), std::vector<std::uint64_t>{1});
  EXPECT_TRUE(s.expired(t0 + 2s).empty());
}

TEST(carrier_scheduler, does_not_expire_a_message_handed_over_in_time) {
  scheduler s;
  auto m = msg(1);
  m.validity_period = t0 + 1h;
  s.add(m);
  EXPECT_EQ(s.due(t0, 10).size(), 1u);
  EXPECT_TRUE(s.expired(t0 + 2h).empty());
}

TEST(carrier_scheduler, reports_the_verdict_after_its_delay) {
  scheduler s;
  s.add_in_flight(msg(7), verdict{receipt_status::undeliv, 0x107E, 50ms, false}, t0);
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_EQ(s.next_wake(), t0 + 50ms);
  EXPECT_TRUE(s.completed(t0 + 49ms).empty());
  EXPECT_EQ(reports(s.completed(t0 + 60ms)),
            (std::vector<report>{{7, receipt_status::undeliv, 0x107E, t0 + 50ms}}));
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_TRUE(s.completed(t0 + 1h).empty());
}

TEST(carrier_scheduler, reports_a_zero_delay_verdict_at_once) {
  scheduler s;
  s.add_in_flight(msg(1), verdict{receipt_status::delivrd, 0, 0ms, false}, t0);
  EXPECT_EQ(reports(s.completed(t0)), (std::vector<report>{{1, receipt_status::delivrd, 0, t0}}));
}

TEST(carrier_scheduler, reports_enroute_first_then_the_verdict) {
  scheduler s;
  s.add_in_flight(msg(1), verdict{receipt_status::delivrd, 0, 100ms, true}, t0);
  const auto first = s.completed(t0);
  EXPECT_EQ(reports(first), (std::vector<report>{{1, receipt_status::enroute, 0, t0}}));
  EXPECT_FALSE(first[0].is_final());
  EXPECT_EQ(s.in_flight(), 1u);
  const auto second = s.completed(t0 + 100ms);
  EXPECT_EQ(reports(second), (std::vector<report>{{1, receipt_status::delivrd, 0, t0 + 100ms}}));
  EXPECT_TRUE(second[0].is_final());
  EXPECT_EQ(first[0].message, second[0].message);  // one record shared by both reports
}

TEST(carrier_scheduler, reports_enroute_before_the_verdict_when_both_are_due_together) {
  scheduler s;
  s.add_in_flight(msg(1), verdict{receipt_status::undeliv, 5, 0ms, true}, t0);
  EXPECT_EQ(reports(s.completed(t0)), (std::vector<report>{{1, receipt_status::enroute, 0, t0},
                                                           {1, receipt_status::undeliv, 5, t0}}));
}

TEST(carrier_scheduler, reports_in_time_order_across_messages) {
  scheduler s;
  s.add_in_flight(msg(1), verdict{receipt_status::delivrd, 0, 300ms, false}, t0);
  s.add_in_flight(msg(2), verdict{receipt_status::delivrd, 0, 100ms, false}, t0);
  s.add_in_flight(msg(3), verdict{receipt_status::delivrd, 0, 200ms, false}, t0);
  const auto r = reports(s.completed(t0 + 1s));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].id, 2u);
  EXPECT_EQ(r[1].id, 3u);
  EXPECT_EQ(r[2].id, 1u);
}

TEST(carrier_scheduler, expires_a_message_still_with_the_carrier_at_its_validity) {
  scheduler s;
  auto m = msg(1);
  m.validity_period = t0 + 1s;
  s.add_in_flight(m, verdict{receipt_status::delivrd, 0, 5s, false}, t0);
  EXPECT_EQ(s.next_wake(), t0 + 1s);
  EXPECT_EQ(reports(s.completed(t0 + 10s)),
            (std::vector<report>{{1, receipt_status::expired, 0, t0 + 1s}}));
}

TEST(carrier_scheduler, delivers_a_message_whose_verdict_comes_exactly_at_its_validity) {
  scheduler s;
  auto m = msg(1);
  m.validity_period = t0 + 1s;
  s.add_in_flight(m, verdict{receipt_status::delivrd, 0, 1s, false}, t0);
  EXPECT_EQ(reports(s.completed(t0 + 10s)),
            (std::vector<report>{{1, receipt_status::delivrd, 0, t0 + 1s}}));
}

TEST(carrier_scheduler, follows_an_intermediate_verdict_with_expired_at_the_validity) {
  scheduler s;
  auto m = msg(1);
  m.validity_period = t0 + 1h;
  s.add_in_flight(m, verdict{receipt_status::buffered, 0, 1s, false}, t0);
  EXPECT_EQ(reports(s.completed(t0 + 1s)),
            (std::vector<report>{{1, receipt_status::buffered, 0, t0 + 1s}}));
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_EQ(reports(s.completed(t0 + 1h)),
            (std::vector<report>{{1, receipt_status::expired, 0, t0 + 1h}}));
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(carrier_scheduler, ends_an_intermediate_verdict_without_validity_after_the_default) {
  scheduler s(scheduler_settings{std::chrono::hours(24)});
  s.add_in_flight(msg(1), verdict{receipt_status::enroute, 0, 0ms, false}, t0);
  EXPECT_EQ(reports(s.completed(t0)), (std::vector<report>{{1, receipt_status::enroute, 0, t0}}));
  EXPECT_EQ(s.next_wake(), t0 + 24h);
  EXPECT_EQ(reports(s.completed(t0 + 24h)),
            (std::vector<report>{{1, receipt_status::expired, 0, t0 + 24h}}));
}

TEST(carrier_scheduler, wakes_at_the_earliest_of_schedule_validity_and_verdict) {
  scheduler s;
  EXPECT_EQ(s.next_wake(), std::nullopt);
  auto a = msg(1);
  a.schedule_delivery_time = t0 + 3s;
  s.add(a);
  s.add_in_flight(msg(2), verdict{receipt_status::delivrd, 0, 2s, false}, t0);
  EXPECT_EQ(s.next_wake(), t0 + 2s);
  auto b = msg(3);
  b.schedule_delivery_time = t0 + 5s;
  b.validity_period = t0 + 1s;
  s.add(b);
  EXPECT_EQ(s.next_wake(), t0 + 1s);
}

TEST(carrier_scheduler, maps_receipt_statuses_to_stored_states) {
  EXPECT_EQ(to_message_state(receipt_status::delivrd), core::message_state::delivered);
  EXPECT_EQ(to_message_state(receipt_status::acceptd), core::message_state::accepted_final);
  EXPECT_EQ(to_message_state(receipt_status::undeliv), core::message_state::undeliverable);
  EXPECT_EQ(to_message_state(receipt_status::expired), core::message_state::expired);
  EXPECT_EQ(to_message_state(receipt_status::rejectd), core::message_state::rejected);
  EXPECT_EQ(to_message_state(receipt_status::unknown), core::message_state::unknown);
  EXPECT_EQ(to_message_state(receipt_status::deleted), core::message_state::deleted);
  EXPECT_EQ(to_message_state(receipt_status::enroute), core::message_state::enroute);
  EXPECT_EQ(to_message_state(receipt_status::buffered), core::message_state::enroute);
}

TEST(carrier_scheduler, lets_many_messages_with_validity_flow_through) {
  scheduler s;
  for (std::uint64_t id = 1; id <= 200000; ++id) {
    auto m = msg(id, static_cast<std::uint8_t>(id % 4));
    m.validity_period = t0 + 48h;
    s.add(std::move(m));
    for (auto& d : s.due(t0, 16)) {
      s.add_in_flight(std::move(d), verdict{}, t0);
    }
    s.completed(t0);
  }
  EXPECT_EQ(s.waiting(), 0u);
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_TRUE(s.expired(t0 + 49h).empty());
}

}  // namespace
}  // namespace smppd::carrier

namespace smppd::carrier {
namespace {

TEST(carrier_scheduler, cancel_takes_only_waiting_messages_and_they_never_come_out_again) {
  scheduler s;
  auto later = msg(1);
  later.schedule_delivery_time = t0 + 1h;
  later.validity_period = t0 + 2h;
  s.add(later);
  s.add(msg(2));
  s.add(msg(3));
  EXPECT_EQ(ids(s.due(t0, 1)), (std::vector<std::uint64_t>{2}));  // with the carrier now
  const std::uint64_t wanted[] = {1, 2, 99};
  EXPECT_EQ(ids(s.cancel(wanted)), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(s.waiting(), 1u);
  EXPECT_EQ(ids(s.due(t0 + 3h, 100)), (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(s.expired(t0 + 3h).empty());
  EXPECT_TRUE(s.cancel(wanted).empty());
}

}  // namespace
}  // namespace smppd::carrier
