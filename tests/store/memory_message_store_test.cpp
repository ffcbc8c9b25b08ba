#include "store/memory/memory_message_store.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>

namespace {

using namespace smppd::core;
using smppd::store::memory::memory_message_store;

std::vector<step_result> write_sync(memory_message_store& s, std::vector<message_step> steps) {
  std::promise<std::vector<step_result>> p;
  s.write(std::move(steps), [&](std::span<const step_result> r, std::span<message_step>) {
    p.set_value({r.begin(), r.end()});
  });
  return p.get_future().get();
}

message_record message(std::uint64_t id, std::uint8_t priority = 0) {
  message_record m;
  m.id = id;
  m.system_id = "acme";
  m.priority = priority;
  return m;
}

receipt_record receipt(std::uint64_t message_id) {
  receipt_record r;
  r.system_id = "acme";
  r.message_id = message_id;
  return r;
}

std::vector<message_step> steps_of(std::vector<message_step> s) { return s; }

TEST(memory_message_store_test, follows_a_message_through_its_life_in_one_write) {
  memory_message_store store;
  const auto results = write_sync(
      store, steps_of({message_accepted{message(1)}, message_accepted{message(1)},
                       message_finished{1, message_state::delivered, {}, 0, receipt(1)}}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].ec);
  EXPECT_EQ(results[1].ec, errc::duplicate);
  EXPECT_EQ(results[2].receipt_id, 1u);
  EXPECT_TRUE(store.unfinished_messages().empty());
  ASSERT_EQ(store.pending_receipts(std::chrono::hours(48)).size(), 1u);
  write_sync(store, steps_of({receipt_acknowledged{1}, receipt_acknowledged{42}}));
  EXPECT_TRUE(store.pending_receipts(std::chrono::hours(48)).empty());
  EXPECT_EQ(store.max_message_id(), 1u);
}

TEST(memory_message_store_test, drops_the_oldest_receipts_beyond_the_cap) {
  memory_message_store store(2);
  for (std::uint64_t id = 1; id <= 3; ++id) {
    write_sync(store,
               steps_of({message_accepted{message(id)},
                         message_finished{id, message_state::delivered, {}, 0, receipt(id)}}));
  }
  const auto left = store.pending_receipts(std::chrono::hours(48));
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].message_id, 2u);
  EXPECT_EQ(store.dropped_receipts(), 1u);
}

// An MO as a carrier sends it: a binary payload (a UDH, NULs, more than 254 octets) and
// flags and addresses that are not a receipt's, so a field lost on the way shows.
receipt_record mo() {
  receipt_record r;
  r.system_id = "acme";
  r.text = std::string("\x05\x00\x03\x02\x02\x01", 6) + std::string(300, '\0');
  r.source_addr_ton = 1;
  r.source_addr = "4670000002";
  r.dest_addr_ton = 3;
  r.dest_addr_npi = 9;
  r.destination_addr = "4512345";
  r.esm_class = 0x40;
  r.data_coding = 8;
  return r;
}

TEST(memory_message_store_test, queues_an_mo_with_an_id_until_it_is_acknowledged) {
  memory_message_store store;
  const auto first = write_sync(
      store, steps_of({message_accepted{message(1)},
                       message_finished{1, message_state::delivered, {}, 0, receipt(1)}}));
  std::promise<std::uint64_t> given;
  std::vector<message_step> steps;
  steps.emplace_back(mo_received{mo()});
  store.write(std::move(steps), [&](std::span<const step_result> r, std::span<message_step> s) {
    EXPECT_FALSE(r[0].ec);
    EXPECT_EQ(std::get<mo_received>(s[0]).mo.receipt_id, r[0].receipt_id);
    given.set_value(r[0].receipt_id);
  });
  const auto id = given.get_future().get();
  EXPECT_GT(id, first[1].receipt_id);
  auto expected = mo();
  expected.receipt_id = id;
  const auto pending = store.pending_receipts(std::chrono::hours(48));
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_FALSE(pending[0].is_mo());
  EXPECT_EQ(pending[1], expected);
  EXPECT_TRUE(pending[1].is_mo());
  write_sync(store, steps_of({receipt_acknowledged{id}}));
  ASSERT_EQ(store.pending_receipts(std::chrono::hours(48)).size(), 1u);
  EXPECT_FALSE(store.pending_receipts(std::chrono::hours(48))[0].is_mo());
}

TEST(memory_message_store_test, the_cap_counts_an_accounts_mos_and_receipts_together) {
  memory_message_store store(2);
  write_sync(store, steps_of({message_accepted{message(1)},
                              message_finished{1, message_state::delivered, {}, 0, receipt(1)},
                              mo_received{mo()}, mo_received{mo()}}));
  const auto left = store.pending_receipts(std::chrono::hours(48));
  ASSERT_EQ(left.size(), 2u);
  EXPECT_TRUE(left[0].is_mo());
  EXPECT_TRUE(left[1].is_mo());
  EXPECT_EQ(store.dropped_receipts(), 1u);  // the receipt, the oldest
  // A third MO pushes out the older MO, not the newer one.
  const auto results = write_sync(store, steps_of({mo_received{mo()}}));
  const auto now = store.pending_receipts(std::chrono::hours(48));
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0].receipt_id, left[1].receipt_id);
  EXPECT_EQ(now[1].receipt_id, results[0].receipt_id);
  EXPECT_EQ(store.dropped_receipts(), 2u);
}

TEST(memory_message_store_test, waiting_messages_come_by_priority_then_id) {
  memory_message_store store;
  write_sync(store, steps_of({message_accepted{message(1, 0)}, message_accepted{message(2, 2)},
                              message_accepted{message(3, 2)}, message_accepted{message(4, 1)},
                              message_enroute{3, "c", "u"}}));
  const auto first = store.waiting_messages(std::nullopt, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, 2u);
  EXPECT_EQ(first[1].id, 4u);
  const auto rest = store.waiting_messages(waiting_cursor{1, 4}, 10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, 1u);
}

}  // namespace
