#include "text/udh.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"
#include "text/errc.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::from_hex;

TEST(udh_build, writes_the_8_bit_reference_form) {
  EXPECT_EQ(build_concat_udh({.reference = 0x42, .total = 3, .sequence = 1}),
            from_hex("05 00 03 42 03 01"));
  EXPECT_EQ(build_concat_udh({.reference = 0x1FF, .total = 2, .sequence = 2}),
            from_hex("05 00 03 FF 02 02"));
}

TEST(udh_build, writes_the_16_bit_reference_form) {
  EXPECT_EQ(
      build_concat_udh({.reference = 0x1234, .total = 255, .sequence = 7, .reference_16bit = true}),
      from_hex("06 08 04 12 34 FF 07"));
}

TEST(udh_parse, round_trips_both_forms) {
  for (const concat_info c : {concat_info{0x00, 1, 1, false}, concat_info{0xAB, 255, 255, false},
                              concat_info{0xFFFF, 2, 1, true}, concat_info{0x0100, 9, 3, true}}) {
    const bytes payload = test::concat(build_concat_udh(c), from_hex("41 42"));
    const auto v = parse_udh(payload);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->length, concat_udh_size(c.reference_16bit));
    ASSERT_TRUE(v->concat);
    EXPECT_EQ(*v->concat, c);
  }
}

TEST(udh_parse, accepts_an_empty_header) {
  const auto v = parse_udh(from_hex("00 41"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->length, 1u);
  EXPECT_FALSE(v->concat);
}

TEST(udh_parse, accepts_a_header_that_is_the_whole_payload) {
  const auto v = parse_udh(from_hex("05 00 03 01 02 01"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->length, 6u);
}

TEST(udh_parse, rejects_a_udhl_one_past_the_payload) {
  EXPECT_EQ(parse_udh(from_hex("05 00 03 01 02")).error(), errc::udh_length_out_of_range);
  EXPECT_EQ(parse_udh(from_hex("01")).error(), errc::udh_length_out_of_range);
  EXPECT_EQ(parse_udh({}).error(), errc::udh_length_out_of_range);
}

TEST(udh_parse, skips_other_elements_and_finds_the_concatenation) {
  // 0x24 (national language single shift) first, then the concatenation element.
  const auto v = parse_udh(from_hex("08 24 01 02 00 03 07 02 01 41"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->length, 9u);
  EXPECT_EQ(*v->concat, (concat_info{7, 2, 1, false}));
}

TEST(udh_parse, keeps_the_last_of_repeated_concatenation_elements) {
  const auto v = parse_udh(from_hex("0B 00 03 07 02 01 08 04 01 00 03 02"));
  ASSERT_TRUE(v);
  EXPECT_EQ(*v->concat, (concat_info{0x0100, 3, 2, true}));
}

TEST(udh_parse, rejects_an_element_running_past_the_header) {
  EXPECT_EQ(parse_udh(from_hex("03 00 03 01 02 01")).error(), errc::udh_element_truncated);
  EXPECT_EQ(parse_udh(from_hex("01 00 41")).error(), errc::udh_element_truncated);
  EXPECT_EQ(parse_udh(from_hex("03 24 02 01 41")).error(), errc::udh_element_truncated);
}

TEST(udh_parse, rejects_concatenation_elements_of_the_wrong_length) {
  EXPECT_EQ(parse_udh(from_hex("04 00 02 01 02")).error(), errc::invalid_concat_element);
  EXPECT_EQ(parse_udh(from_hex("06 00 04 01 02 01 00")).error(), errc::invalid_concat_element);
  EXPECT_EQ(parse_udh(from_hex("05 08 03 01 02 01")).error(), errc::invalid_concat_element);
}

TEST(udh_parse, rejects_total_zero_and_sequence_zero_or_past_total) {
  EXPECT_EQ(parse_udh(from_hex("05 00 03 01 00 00")).error(), errc::invalid_concat_element);
  EXPECT_EQ(parse_udh(from_hex("05 00 03 01 02 00")).error(), errc::invalid_concat_element);
  EXPECT_TRUE(parse_udh(from_hex("05 00 03 01 02 02")));
  EXPECT_EQ(parse_udh(from_hex("05 00 03 01 02 03")).error(), errc::invalid_concat_element);
  EXPECT_EQ(parse_udh(from_hex("06 08 04 00 01 02 03")).error(), errc::invalid_concat_element);
}

}  // namespace
}  // namespace smppd::text
