#include "text/codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_bytes.hpp"
#include "text/data_coding.hpp"
#include "text/errc.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::from_hex;

TEST(validate, dispatches_on_data_coding) {
  const bytes high = from_hex("41 E9");
  EXPECT_EQ(validate(dcs::gsm7, high).error(), errc::octet_out_of_range);
  EXPECT_EQ(validate(dcs::gsm7_flash, high).error(), errc::octet_out_of_range);
  EXPECT_EQ(validate(dcs::ascii, high).error(), errc::octet_out_of_range);
  EXPECT_TRUE(validate(dcs::latin1, high));
  EXPECT_TRUE(validate(dcs::iso8859_5, high));
  EXPECT_TRUE(validate(dcs::binary, high));
  EXPECT_TRUE(validate(dcs::binary_4, high));
  EXPECT_TRUE(validate(dcs::ucs2, high));
  EXPECT_TRUE(validate(dcs::ucs2_flash, high));
  EXPECT_EQ(validate(dcs::ucs2, from_hex("41")).error(), errc::odd_length);
  EXPECT_EQ(validate(dcs::ucs2_flash, from_hex("DC00")).error(), errc::lone_surrogate);
  EXPECT_EQ(validate(dcs::gsm7_flash, from_hex("1B")).error(), errc::dangling_escape);
}

TEST(validate, rejects_unsupported_data_codings) {
  for (const std::uint8_t dc : {0x05, 0x07, 0x09, 0x0E, 0x10, 0x19, 0xEF, 0xF1, 0xF4, 0xFF}) {
    EXPECT_EQ(validate(dc, from_hex("41")).error(), errc::unsupported_data_coding) << int{dc};
    EXPECT_EQ(decode_to_utf8(dc, from_hex("41")).error(), errc::unsupported_data_coding);
    EXPECT_EQ(encode(dc, "A").error(), errc::unsupported_data_coding);
  }
}

TEST(decode_to_utf8, decodes_each_text_coding) {
  EXPECT_EQ(*decode_to_utf8(dcs::gsm7, from_hex("00 01 1B65")), "@£€");
  EXPECT_EQ(*decode_to_utf8(dcs::gsm7_flash, from_hex("48 69")), "Hi");
  EXPECT_EQ(*decode_to_utf8(dcs::ascii, from_hex("48 69")), "Hi");
  EXPECT_EQ(*decode_to_utf8(dcs::latin1, from_hex("E9")), "é");
  EXPECT_EQ(*decode_to_utf8(dcs::iso8859_5, from_hex("BF F0")), "П№");
  EXPECT_EQ(*decode_to_utf8(dcs::ucs2, from_hex("D83D DE00")), "😀");
  EXPECT_EQ(*decode_to_utf8(dcs::ucs2_flash, from_hex("0041")), "A");
}

TEST(decode_to_utf8, calls_binary_not_text) {
  EXPECT_EQ(decode_to_utf8(dcs::binary, from_hex("00 FF")).error(), errc::not_text);
  EXPECT_EQ(decode_to_utf8(dcs::binary_4, from_hex("")).error(), errc::not_text);
}

TEST(render_for_log, shows_text_as_text_and_the_rest_as_hex) {
  EXPECT_EQ(render_for_log(dcs::gsm7, from_hex("48 69")), "Hi");
  EXPECT_EQ(render_for_log(dcs::binary, from_hex("01 02 AB FF")), "0x0102abff");
  EXPECT_EQ(render_for_log(dcs::gsm7, from_hex("48 1B")), "0x481b");
  EXPECT_EQ(render_for_log(0x42, from_hex("00")), "0x00");
}

TEST(encode, encodes_for_each_text_coding_and_refuses_binary) {
  EXPECT_EQ(*encode(dcs::gsm7, "€"), from_hex("1B 65"));
  EXPECT_EQ(*encode(dcs::gsm7_flash, "A"), from_hex("41"));
  EXPECT_EQ(*encode(dcs::ascii, "A"), from_hex("41"));
  EXPECT_EQ(*encode(dcs::latin1, "é"), from_hex("E9"));
  EXPECT_EQ(*encode(dcs::iso8859_5, "Я"), from_hex("CF"));
  EXPECT_EQ(*encode(dcs::ucs2, "Я"), from_hex("042F"));
  EXPECT_EQ(*encode(dcs::ucs2_flash, "Я"), from_hex("042F"));
  EXPECT_EQ(encode(dcs::binary, "A").error(), errc::not_text);
  EXPECT_EQ(encode(dcs::ascii, "é").error(), errc::unencodable_character);
}

TEST(encode_auto, picks_gsm7_when_every_character_fits) {
  const auto e = encode_auto("Hello {world} €5 @ÄÖ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data_coding, dcs::gsm7);
  EXPECT_EQ(e->payload,
            from_hex("48 65 6C 6C 6F 20 1B28 77 6F 72 6C 64 1B29 20 1B65 35 20 00 5B 5C"));
}

TEST(encode_auto, picks_ucs2_for_one_character_outside_gsm7) {
  const auto e = encode_auto("Hello ж");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data_coding, dcs::ucs2);
  EXPECT_EQ(e->payload, from_hex("0048 0065 006C 006C 006F 0020 0436"));
}

TEST(encode_auto, uses_surrogate_pairs_for_astral_characters) {
  const auto e = encode_auto("ok 😀");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data_coding, dcs::ucs2);
  EXPECT_EQ(e->payload, from_hex("006F 006B 0020 D83D DE00"));
}

TEST(encode_auto, encodes_the_empty_text_as_gsm7) {
  EXPECT_EQ(*encode_auto(""), (encoded_text{dcs::gsm7, {}}));
}

TEST(encode_auto, rejects_invalid_utf8_before_and_after_the_switch) {
  EXPECT_EQ(encode_auto("ab\xC0\x80").error(), errc::invalid_utf8);
  EXPECT_EQ(encode_auto("ж\xFF").error(), errc::invalid_utf8);
}

TEST(round_trip, utf8_encode_decode_gives_the_same_text) {
  for (const char* text :
       {"", "plain ascii", "@£$¥èéùìòÇ\nØø\rÅå", "ΔΦΓΛΩΠΨΣΘΞ", "[~]|^{}\\€\f", "Привет, мир",
        "中文 and 日本語", "emoji 😀👍🏽🇩🇰", "mixed € and ж"}) {
    const auto e = encode_auto(text);
    ASSERT_TRUE(e) << text;
    ASSERT_TRUE(validate(e->data_coding, e->payload)) << text;
    const auto back = decode_to_utf8(e->data_coding, e->payload);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, text);
  }
}

TEST(round_trip, every_explicit_coding_returns_what_it_encoded) {
  struct sample {
    std::uint8_t dc;
    const char* text;
  };
  for (const auto& s :
       {sample{dcs::gsm7, "a€[]"}, sample{dcs::ascii, "{|}~\x7F"}, sample{dcs::latin1, "ÿ¡¿ñ"},
        sample{dcs::iso8859_5, "Щука №5 §"}, sample{dcs::ucs2, "𝄞 music"}}) {
    const auto payload = encode(s.dc, s.text);
    ASSERT_TRUE(payload) << s.text;
    EXPECT_EQ(*decode_to_utf8(s.dc, *payload), s.text);
  }
}

}  // namespace
}  // namespace smppd::text
