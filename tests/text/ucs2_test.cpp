#include "text/ucs2.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"
#include "text/errc.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::from_hex;

TEST(ucs2_validate, accepts_an_empty_payload) { EXPECT_TRUE(ucs2::validate({})); }

TEST(ucs2_validate, rejects_an_odd_length) {
  EXPECT_TRUE(ucs2::validate(from_hex("00 41")));
  EXPECT_EQ(ucs2::validate(from_hex("00 41 00")).error(), errc::odd_length);
  EXPECT_EQ(ucs2::validate(from_hex("00")).error(), errc::odd_length);
}

TEST(ucs2_validate, accepts_surrogate_pairs_at_both_ends_of_the_ranges) {
  EXPECT_TRUE(ucs2::validate(from_hex("D800 DC00")));
  EXPECT_TRUE(ucs2::validate(from_hex("DBFF DFFF")));
  EXPECT_TRUE(ucs2::validate(from_hex("D83D DE00 0041")));
}

TEST(ucs2_validate, accepts_the_units_next_to_the_surrogate_range) {
  EXPECT_TRUE(ucs2::validate(from_hex("D7FF E000 FFFF 0000")));
}

TEST(ucs2_validate, rejects_a_low_surrogate_alone) {
  EXPECT_EQ(ucs2::validate(from_hex("DC00")).error(), errc::lone_surrogate);
  EXPECT_EQ(ucs2::validate(from_hex("0041 DFFF")).error(), errc::lone_surrogate);
}

TEST(ucs2_validate, rejects_a_high_surrogate_at_the_end) {
  EXPECT_EQ(ucs2::validate(from_hex("0041 D800")).error(), errc::lone_surrogate);
  EXPECT_EQ(ucs2::validate(from_hex("DBFF")).error(), errc::lone_surrogate);
}

TEST(ucs2_validate, rejects_a_high_surrogate_before_anything_but_a_low_one) {
  EXPECT_EQ(ucs2::validate(from_hex("D800 0041")).error(), errc::lone_surrogate);
  EXPECT_EQ(ucs2::validate(from_hex("D800 E000")).error(), errc::lone_surrogate);
  EXPECT_EQ(ucs2::validate(from_hex("D800 D800 DC00")).error(), errc::lone_surrogate);
}

TEST(ucs2_validate, finds_surrogates_at_every_position_of_every_length) {
  // Lengths past 32 units cover the 16-unit blocks and the unit-by-unit tail.
  for (std::size_t n = 1; n <= 50; ++n) {
    for (std::size_t pos = 0; pos < n; ++pos) {
      bytes lone = test::repeat_unit(0x0041, n);
      lone[2 * pos] = 0xDC;
      ASSERT_EQ(ucs2::validate(lone).error(), errc::lone_surrogate) << n << " " << pos;
      lone[2 * pos] = 0xD8;
      ASSERT_EQ(ucs2::validate(lone).error(), errc::lone_surrogate) << n << " " << pos;
      if (pos + 1 < n) {
        lone[2 * pos + 2] = 0xDC;
        ASSERT_TRUE(ucs2::validate(lone)) << n << " " << pos;
      }
    }
  }
}

TEST(ucs2_validate, ignores_d8_in_the_low_octet_of_a_unit) {
  EXPECT_TRUE(ucs2::validate(test::repeat_unit(0x00D8, 40)));
  EXPECT_TRUE(ucs2::validate(test::repeat_unit(0xD7DC, 40)));
  EXPECT_TRUE(ucs2::validate(test::repeat_unit(0xE0D8, 40)));
}

TEST(ucs2_decode, decodes_bmp_and_astral_characters) {
  EXPECT_EQ(*ucs2::decode(from_hex("0048 0069")), "Hi");
  EXPECT_EQ(*ucs2::decode(from_hex("043F 0440 0438 0432 0435 0442")), "привет");
  EXPECT_EQ(*ucs2::decode(from_hex("20AC")), "€");
  EXPECT_EQ(*ucs2::decode(from_hex("D83D DE00")), "\xF0\x9F\x98\x80");
  EXPECT_EQ(*ucs2::decode(from_hex("DBFF DFFF")), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(*ucs2::decode(from_hex("0000")), std::string(1, '\0'));
}

TEST(ucs2_decode, fails_like_validate) {
  EXPECT_EQ(ucs2::decode(from_hex("00")).error(), errc::odd_length);
  EXPECT_EQ(ucs2::decode(from_hex("DE00")).error(), errc::lone_surrogate);
}

TEST(ucs2_encode, encodes_astral_characters_as_surrogate_pairs) {
  EXPECT_EQ(*ucs2::encode("a€"), from_hex("0061 20AC"));
  EXPECT_EQ(*ucs2::encode("😀"), from_hex("D83D DE00"));
  EXPECT_EQ(*ucs2::encode("\xF0\x90\x80\x80"), from_hex("D800 DC00"));
  EXPECT_EQ(*ucs2::encode("\xEF\xBF\xBF"), from_hex("FFFF"));
}

TEST(ucs2_encode, rejects_invalid_utf8) {
  EXPECT_EQ(ucs2::encode("\xED\xA0\x80").error(), errc::invalid_utf8);  // an encoded surrogate
}

TEST(ucs2_encode, round_trips_through_utf8) {
  for (const char* text :
       {"", "hello", "привет мир", "日本語", "😀👍🏽 ok", "\xF4\x8F\xBF\xBF"}) {
    const auto payload = ucs2::encode(text);
    ASSERT_TRUE(payload);
    EXPECT_EQ(*ucs2::decode(*payload), text);
  }
}

}  // namespace
}  // namespace smppd::text
