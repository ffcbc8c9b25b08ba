#include "common/message_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using smppd::message_id_generator;
using namespace std::chrono_literals;

const smppd::wall_time issued_at{std::chrono::milliseconds(1764000000000)};  // 2025-11-24

TEST(message_id, carries_node_and_time) {
  message_id_generator gen(513);
  const auto id = gen.next(issued_at);
  EXPECT_EQ(message_id_generator::node_of(id), 513);
  EXPECT_EQ(message_id_generator::unix_ms_of(id), 1764000000000);
}

TEST(message_id, fits_63_bits_and_19_decimal_digits_until_2093) {
  message_id_generator gen(1023);
  const smppd::wall_time late{
      std::chrono::milliseconds(message_id_generator::epoch_ms + (std::int64_t{1} << 41) - 1)};
  const auto id = gen.next(late);
  EXPECT_LT(id, std::uint64_t{1} << 63);
  EXPECT_LE(smppd::format_message_id(id).size(), 19u);
}

TEST(message_id, is_unique_for_5000_ids_in_one_millisecond) {
  message_id_generator gen(7);
  std::set<std::uint64_t> seen;
  std::uint64_t previous = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto id = gen.next(issued_at);
    EXPECT_GT(id, previous);
    previous = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(message_id, stays_increasing_when_the_clock_steps_back) {
  message_id_generator gen(7);
  const auto before = gen.next(issued_at);
  const auto after = gen.next(issued_at - 10s);
  EXPECT_GT(after, before);
}

TEST(message_id, a_restart_with_the_last_id_as_floor_never_repeats_even_with_a_clock_behind) {
  message_id_generator first(3);
  std::uint64_t last = 0;
  for (int i = 0; i < 100; ++i) last = first.next(issued_at);
  message_id_generator restarted(3, last);
  EXPECT_GT(restarted.next(issued_at - 1h), last);
  EXPECT_GT(message_id_generator(3, last).next(issued_at), last);
}

TEST(message_id, two_nodes_never_collide_in_the_same_millisecond) {
  message_id_generator a(1), b(2);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 100; ++i) {
    seen.insert(a.next(issued_at));
    seen.insert(b.next(issued_at));
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(message_id, rejects_a_node_id_above_1023) {
  EXPECT_THROW(message_id_generator(1024), std::invalid_argument);
}

}  // namespace
