#include "text/gsm7.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_bytes.hpp"
#include "text/errc.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::from_hex;

TEST(gsm7_validate, accepts_an_empty_payload) { EXPECT_TRUE(gsm7::validate({})); }

TEST(gsm7_validate, accepts_every_basic_septet_up_to_0x7f) {
  bytes all;
  for (int s = 0; s < 0x80; ++s) {
    if (s != 0x1B) all.push_back(static_cast<std::uint8_t>(s));
  }
  EXPECT_TRUE(gsm7::validate(all));
}

TEST(gsm7_validate, rejects_octet_0x80) {
  EXPECT_EQ(gsm7::validate(from_hex("41 80")).error(), errc::octet_out_of_range);
}

TEST(gsm7_validate, rejects_a_high_bit_at_every_position_of_every_length) {
  // Lengths past 64 cover the 32-octet blocks, the 8-octet words and the byte tail.
  for (std::size_t n = 1; n <= 100; ++n) {
    bytes payload = test::repeat('a', n);
    ASSERT_TRUE(gsm7::validate(payload)) << n;
    for (std::size_t pos = 0; pos < n; ++pos) {
      payload[pos] = 0xFF;
      ASSERT_EQ(gsm7::validate(payload).error(), errc::octet_out_of_range) << n << " " << pos;
      payload[pos] = 'a';
    }
  }
}

TEST(gsm7_validate, rejects_escape_at_end_of_payload) {
  EXPECT_EQ(gsm7::validate(from_hex("41 1B")).error(), errc::dangling_escape);
  EXPECT_EQ(gsm7::validate(from_hex("1B")).error(), errc::dangling_escape);
}

TEST(gsm7_validate, accepts_escape_before_each_extension_character) {
  for (const std::uint8_t s : {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65}) {
    EXPECT_TRUE(gsm7::validate(bytes{0x1B, s})) << int{s};
    EXPECT_TRUE(gsm7::is_extension(s));
  }
}

TEST(gsm7_validate, rejects_escape_before_every_other_septet) {
  int accepted = 0;
  for (int s = 0; s < 0x80; ++s) {
    const bytes payload{0x1B, static_cast<std::uint8_t>(s)};
    if (gsm7::validate(payload)) {
      ++accepted;
    } else {
      EXPECT_EQ(gsm7::validate(payload).error(), errc::unknown_extension) << s;
    }
  }
  EXPECT_EQ(accepted, 10);
}

TEST(gsm7_validate, rejects_escape_before_an_escape) {
  EXPECT_EQ(gsm7::validate(from_hex("1B 1B 65")).error(), errc::unknown_extension);
}

TEST(gsm7_validate, reports_a_high_bit_after_an_escape_as_out_of_range) {
  EXPECT_EQ(gsm7::validate(from_hex("1B 80")).error(), errc::octet_out_of_range);
}

TEST(gsm7_validate, accepts_consecutive_escape_pairs) {
  EXPECT_TRUE(gsm7::validate(from_hex("1B 65 1B 28 1B 29 41")));
}

TEST(gsm7_decode, decodes_the_whole_default_alphabet) {
  bytes all;
  for (int s = 0; s < 0x80; ++s) {
    if (s != 0x1B) all.push_back(static_cast<std::uint8_t>(s));
  }
  const auto text = gsm7::decode(all);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");
}

TEST(gsm7_decode, decodes_the_extension_table) {
  const auto text = gsm7::decode(from_hex("1B0A 1B14 1B28 1B29 1B2F 1B3C 1B3D 1B3E 1B40 1B65"));
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "\f^{}\\[~]|€");
}

TEST(gsm7_decode, fails_like_validate) {
  EXPECT_EQ(gsm7::decode(from_hex("41 1B")).error(), errc::dangling_escape);
  EXPECT_EQ(gsm7::decode(from_hex("1B 41")).error(), errc::unknown_extension);
  EXPECT_EQ(gsm7::decode(from_hex("C1")).error(), errc::octet_out_of_range);
}

TEST(gsm7_encode, encodes_known_vectors) {
  EXPECT_EQ(*gsm7::encode("hello"), from_hex("68 65 6C 6C 6F"));
  EXPECT_EQ(*gsm7::encode("@£$¥"), from_hex("00 01 02 03"));
  EXPECT_EQ(*gsm7::encode("ΔΦΓΛΩΠΨΣΘΞ"), from_hex("10 12 13 14 15 16 17 18 19 1A"));
  EXPECT_EQ(*gsm7::encode("€5 [x]"), from_hex("1B65 35 20 1B3C 78 1B3E"));
  EXPECT_EQ(*gsm7::encode(""), bytes{});
}

TEST(gsm7_encode, rejects_characters_outside_the_alphabet) {
  EXPECT_EQ(gsm7::encode("ç").error(), errc::unencodable_character);  // only Ç is in 03.38
  EXPECT_EQ(gsm7::encode("`").error(), errc::unencodable_character);
  EXPECT_EQ(gsm7::encode("ж").error(), errc::unencodable_character);
  EXPECT_EQ(gsm7::encode("😀").error(), errc::unencodable_character);
}

TEST(gsm7_encode, rejects_invalid_utf8) {
  EXPECT_EQ(gsm7::encode("a\xC3").error(), errc::invalid_utf8);
}

TEST(gsm7_encode, round_trips_every_septet_and_extension) {
  bytes all;
  for (int s = 0; s < 0x80; ++s) {
    if (s == 0x1B) continue;
    all.push_back(static_cast<std::uint8_t>(s));
    if (gsm7::is_extension(static_cast<std::uint8_t>(s))) {
      all.push_back(0x1B);
      all.push_back(static_cast<std::uint8_t>(s));
    }
  }
  const auto text = gsm7::decode(all);
  ASSERT_TRUE(text);
  const auto again = gsm7::encode(*text);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, all);
}

TEST(gsm7_encode, counts_extension_characters_as_two_septets) {
  EXPECT_EQ(gsm7::septets_for(U'a'), 1u);
  EXPECT_EQ(gsm7::septets_for(U'€'), 2u);
  EXPECT_EQ(gsm7::septets_for(U'{'), 2u);
  EXPECT_EQ(gsm7::septets_for(U'Ω'), 1u);
  EXPECT_EQ(gsm7::septets_for(U'ж'), 0u);
}

}  // namespace
}  // namespace smppd::text
