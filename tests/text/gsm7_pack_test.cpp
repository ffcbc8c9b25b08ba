#include "text/gsm7_pack.hpp"

#include <gtest/gtest.h>

#include <random>

#include "test_bytes.hpp"
#include "text/errc.hpp"
#include "text/gsm7.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::from_hex;

TEST(gsm7_pack, packs_hello_as_in_23038) {
  EXPECT_EQ(*gsm7::pack_septets(*gsm7::encode("hello")), from_hex("E8 32 9B FD 06"));
}

TEST(gsm7_pack, packs_eight_septets_into_seven_octets) {
  EXPECT_EQ(*gsm7::pack_septets(*gsm7::encode("hellohel")), from_hex("E8 32 9B FD 46 97 D9"));
  EXPECT_EQ(*gsm7::pack_septets(*gsm7::encode("hellohello")),
            from_hex("E8 32 9B FD 46 97 D9 EC 37"));
}

TEST(gsm7_pack, shifts_by_the_fill_bits_after_a_udh) {
  // One fill bit: the packing of "hello" shifted left by one bit.
  EXPECT_EQ(*gsm7::pack_septets(*gsm7::encode("hello"), 1), from_hex("D0 65 36 FB 0D"));
}

TEST(gsm7_pack, computes_fill_bits_from_the_udh_length) {
  EXPECT_EQ(gsm7::fill_bits_after_udh(0), 0u);
  EXPECT_EQ(gsm7::fill_bits_after_udh(1), 6u);
  EXPECT_EQ(gsm7::fill_bits_after_udh(6), 1u);  // 05 00 03 ...: 48 bits, 1 to reach 49
  EXPECT_EQ(gsm7::fill_bits_after_udh(7), 0u);  // 06 08 04 ...: 56 bits, a septet boundary
}

TEST(gsm7_pack, fills_140_octets_with_160_septets_and_with_udh_plus_153) {
  EXPECT_EQ(gsm7::packed_size(160), 140u);
  EXPECT_EQ(gsm7::packed_size(153, gsm7::fill_bits_after_udh(6)) + 6, 140u);
  EXPECT_EQ(gsm7::packed_size(152, gsm7::fill_bits_after_udh(7)) + 7, 140u);
  EXPECT_EQ(gsm7::packed_size(0, 3), 0u);
}

TEST(gsm7_pack, accepts_fill_bits_6_and_rejects_7) {
  EXPECT_TRUE(gsm7::pack_septets(from_hex("41"), 6));
  EXPECT_EQ(gsm7::pack_septets(from_hex("41"), 7).error(), errc::invalid_fill_bits);
  EXPECT_EQ(gsm7::unpack_septets(from_hex("41"), 1, 7).error(), errc::invalid_fill_bits);
}

TEST(gsm7_pack, rejects_a_septet_of_0x80) {
  EXPECT_TRUE(gsm7::pack_septets(from_hex("7F")));
  EXPECT_EQ(gsm7::pack_septets(from_hex("80")).error(), errc::octet_out_of_range);
}

TEST(gsm7_unpack, reads_the_count_it_is_given) {
  // Seven septets leave seven zero bits that would otherwise read as a trailing '@'.
  const bytes packed = *gsm7::pack_septets(*gsm7::encode("hellohe"));
  ASSERT_EQ(packed.size(), 7u);
  EXPECT_EQ(*gsm7::unpack_septets(packed, 7), *gsm7::encode("hellohe"));
  EXPECT_EQ(*gsm7::unpack_septets(packed, 8), *gsm7::encode("hellohe@"));
}

TEST(gsm7_unpack, rejects_one_septet_more_than_the_octets_hold) {
  EXPECT_TRUE(gsm7::unpack_septets(bytes(7, 0), 8));
  EXPECT_EQ(gsm7::unpack_septets(bytes(7, 0), 9).error(), errc::septet_count_out_of_range);
  // With fill bits the same octets hold fewer septets.
  EXPECT_TRUE(gsm7::unpack_septets(bytes(6, 0), 6, 6));
  EXPECT_EQ(gsm7::unpack_septets(bytes(6, 0), 7, 1).error(), errc::septet_count_out_of_range);
  EXPECT_EQ(gsm7::unpack_septets({}, 1).error(), errc::septet_count_out_of_range);
}

TEST(gsm7_unpack, reads_nothing_for_a_count_of_zero) {
  EXPECT_EQ(*gsm7::unpack_septets({}, 0, 3), bytes{});
}

TEST(gsm7_pack, round_trips_every_length_and_fill) {
  std::mt19937 rng(42);
  for (unsigned fill = 0; fill <= 6; ++fill) {
    for (std::size_t n = 0; n <= 40; ++n) {
      bytes septets(n);
      for (auto& s : septets) s = static_cast<std::uint8_t>(rng() & 0x7F);
      const auto packed = gsm7::pack_septets(septets, fill);
      ASSERT_TRUE(packed);
      ASSERT_EQ(packed->size(), gsm7::packed_size(n, fill));
      if (!packed->empty()) {
        EXPECT_EQ((*packed)[0] & ((1u << fill) - 1), 0u);
      }
      const auto unpacked = gsm7::unpack_septets(*packed, n, fill);
      ASSERT_TRUE(unpacked);
      EXPECT_EQ(*unpacked, septets) << "fill " << fill << " n " << n;
    }
  }
}

}  // namespace
}  // namespace smppd::text
