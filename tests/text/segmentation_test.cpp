#include "text/segmentation.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"
#include "text/data_coding.hpp"
#include "text/errc.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::concat;
using test::from_hex;
using test::repeat;
using test::repeat_unit;

std::size_t parts(std::uint8_t dc, const bytes& payload, bool wide_ref = false) {
  const auto n = count_parts(dc, payload, wide_ref);
  EXPECT_TRUE(n) << n.error().message();
  return n ? *n : 0;
}

// Every part's body, joined, is the payload again.
bytes joined(const std::vector<part>& ps) {
  bytes out;
  for (const auto& p : ps) out.insert(out.end(), p.body.begin(), p.body.end());
  return out;
}

TEST(count_parts, counts_an_empty_payload_as_one_part) {
  EXPECT_EQ(parts(dcs::gsm7, {}), 1u);
  EXPECT_EQ(parts(dcs::ucs2, {}), 1u);
}

TEST(count_parts, fits_160_septets_in_one_and_161_in_two) {
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 160)), 1u);
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 161)), 2u);
  EXPECT_EQ(parts(dcs::gsm7_flash, repeat('a', 161)), 2u);
}

TEST(count_parts, fits_153_septets_per_part) {
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 153 * 2)), 2u);
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 153 * 2 + 1)), 3u);
}

TEST(count_parts, counts_an_extension_character_as_two_septets) {
  EXPECT_EQ(parts(dcs::gsm7, concat(repeat('a', 158), from_hex("1B 65"))), 1u);
  EXPECT_EQ(parts(dcs::gsm7, concat(repeat('a', 159), from_hex("1B 65"))), 2u);
}

TEST(count_parts, fits_140_and_134_octets_for_8_bit_codings) {
  for (const std::uint8_t dc : {dcs::binary, dcs::binary_4, dcs::latin1, dcs::iso8859_5}) {
    EXPECT_EQ(parts(dc, repeat(0xE9, 140)), 1u) << int{dc};
    EXPECT_EQ(parts(dc, repeat(0xE9, 141)), 2u);
    EXPECT_EQ(parts(dc, repeat(0xE9, 134 * 2)), 2u);
    EXPECT_EQ(parts(dc, repeat(0xE9, 134 * 2 + 1)), 3u);
  }
  EXPECT_EQ(parts(dcs::ascii, repeat('a', 141)), 2u);
}

TEST(count_parts, fits_70_and_67_code_units_for_ucs2) {
  EXPECT_EQ(parts(dcs::ucs2, repeat_unit(0x0436, 70)), 1u);
  EXPECT_EQ(parts(dcs::ucs2, repeat_unit(0x0436, 71)), 2u);
  EXPECT_EQ(parts(dcs::ucs2, repeat_unit(0x0436, 67 * 2)), 2u);
  EXPECT_EQ(parts(dcs::ucs2_flash, repeat_unit(0x0436, 67 * 2 + 1)), 3u);
}

TEST(count_parts, leaves_one_unit_less_per_part_with_a_16_bit_reference) {
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 152 * 2), true), 2u);
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 152 * 2 + 1), true), 3u);
  EXPECT_EQ(parts(dcs::binary, repeat(0, 133 * 2 + 1), true), 3u);
  EXPECT_EQ(parts(dcs::ucs2, repeat_unit(0x0436, 66 * 2 + 1), true), 3u);
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 160), true), 1u);  // no UDH for a single part
}

TEST(count_parts, allows_255_parts_and_rejects_256) {
  EXPECT_EQ(parts(dcs::gsm7, repeat('a', 153 * 255)), 255u);
  EXPECT_EQ(count_parts(dcs::gsm7, repeat('a', 153 * 255 + 1)).error(), errc::too_many_parts);
  EXPECT_EQ(count_parts(dcs::binary, repeat(0, 134 * 255 + 1)).error(), errc::too_many_parts);
}

TEST(count_parts, rejects_invalid_payloads_and_codings) {
  EXPECT_EQ(count_parts(dcs::gsm7, from_hex("80")).error(), errc::octet_out_of_range);
  EXPECT_EQ(count_parts(dcs::ucs2, from_hex("00")).error(), errc::odd_length);
  EXPECT_EQ(count_parts(0x05, from_hex("00")).error(), errc::unsupported_data_coding);
}

TEST(split, returns_a_single_message_without_udh) {
  const bytes payload = repeat('a', 160);
  const auto ps = split(dcs::gsm7, payload);
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 1u);
  EXPECT_TRUE((*ps)[0].udh.empty());
  EXPECT_EQ((*ps)[0].body.data(), payload.data());
  EXPECT_EQ((*ps)[0].body.size(), 160u);
}

TEST(split, builds_an_8_bit_reference_udh_for_every_part) {
  const bytes payload = repeat('a', 153 * 2 + 1);
  const auto ps = split(dcs::gsm7, payload, {.reference = 0x1A7, .reference_16bit = false});
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 3u);
  EXPECT_EQ((*ps)[0].udh, from_hex("05 00 03 A7 03 01"));
  EXPECT_EQ((*ps)[1].udh, from_hex("05 00 03 A7 03 02"));
  EXPECT_EQ((*ps)[2].udh, from_hex("05 00 03 A7 03 03"));
  EXPECT_EQ((*ps)[0].body.size(), 153u);
  EXPECT_EQ((*ps)[1].body.size(), 153u);
  EXPECT_EQ((*ps)[2].body.size(), 1u);
  EXPECT_EQ(joined(*ps), payload);
}

TEST(split, builds_a_16_bit_reference_udh_for_every_part) {
  const bytes payload = repeat_unit(0x0436, 71);
  const auto ps = split(dcs::ucs2, payload, {.reference = 0xBEEF, .reference_16bit = true});
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 2u);
  EXPECT_EQ((*ps)[0].udh, from_hex("06 08 04 BE EF 02 01"));
  EXPECT_EQ((*ps)[1].udh, from_hex("06 08 04 BE EF 02 02"));
  EXPECT_EQ((*ps)[0].body.size(), 66u * 2);
  EXPECT_EQ(joined(*ps), payload);
}

TEST(split, moves_an_escape_pair_straddling_153_whole_into_the_next_part) {
  // The escape is septet 153, its partner would be septet 154.
  const bytes payload = concat(concat(repeat('a', 152), from_hex("1B 65")), repeat('b', 10));
  const auto ps = split(dcs::gsm7, payload);
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 2u);
  EXPECT_EQ((*ps)[0].body.size(), 152u);
  EXPECT_EQ((*ps)[1].body[0], 0x1B);
  EXPECT_EQ((*ps)[1].body[1], 0x65);
  EXPECT_EQ(joined(*ps), payload);
}

TEST(split, keeps_an_escape_pair_ending_at_153_in_the_first_part) {
  const bytes payload = concat(concat(repeat('a', 151), from_hex("1B 65")), repeat('b', 10));
  const auto ps = split(dcs::gsm7, payload);
  ASSERT_TRUE(ps);
  EXPECT_EQ((*ps)[0].body.size(), 153u);
  EXPECT_EQ((*ps)[1].body[0], 'b');
}

TEST(split, moves_a_surrogate_pair_straddling_67_whole_into_the_next_part) {
  const bytes payload =
      concat(concat(repeat_unit(0x0041, 66), from_hex("D83D DE00")), repeat_unit(0x0042, 10));
  const auto ps = split(dcs::ucs2, payload);
  ASSERT_TRUE(ps);
  ASSERT_EQ(ps->size(), 2u);
  EXPECT_EQ((*ps)[0].body.size(), 66u * 2);
  EXPECT_EQ((*ps)[1].body[0], 0xD8);
  EXPECT_EQ((*ps)[1].body[2], 0xDE);
  EXPECT_EQ(joined(*ps), payload);
}

TEST(split, keeps_a_surrogate_pair_ending_at_67_in_the_first_part) {
  const bytes payload =
      concat(concat(repeat_unit(0x0041, 65), from_hex("D83D DE00")), repeat_unit(0x0042, 10));
  const auto ps = split(dcs::ucs2, payload);
  ASSERT_TRUE(ps);
  EXPECT_EQ((*ps)[0].body.size(), 67u * 2);
}

TEST(split, agrees_with_count_parts_when_pairs_shift_every_boundary) {
  // All escapes: every part ends one septet early, so the count can exceed the naive one.
  bytes payload;
  for (int i = 0; i < 400; ++i) payload.insert(payload.end(), {0x1B, 0x65, 'x'});
  const auto ps = split(dcs::gsm7, payload);
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->size(), *count_parts(dcs::gsm7, payload));
  for (const auto& p : *ps) {
    EXPECT_LE(p.body.size(), 153u);
    EXPECT_NE(p.body.back(), 0x1B);
    EXPECT_EQ(p.udh[4], ps->size());
  }
  EXPECT_EQ(joined(*ps), payload);
}

TEST(split, rejects_what_count_parts_rejects) {
  EXPECT_EQ(split(dcs::gsm7, from_hex("41 1B")).error(), errc::dangling_escape);
  EXPECT_EQ(split(dcs::gsm7, repeat('a', 153 * 256)).error(), errc::too_many_parts);
}

}  // namespace
}  // namespace smppd::text
