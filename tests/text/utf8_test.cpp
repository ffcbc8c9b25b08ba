#include "text/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

#include "text/errc.hpp"

namespace smppd::text {
namespace {

bool valid(std::string_view s) { return utf8::validate(s).has_value(); }

TEST(utf8_validate, accepts_each_length_at_its_limits) {
  EXPECT_TRUE(valid(std::string_view("\x00", 1)));
  EXPECT_TRUE(valid("\x7F"));
  EXPECT_TRUE(valid("\xC2\x80"));          // U+0080
  EXPECT_TRUE(valid("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(valid("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(valid("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(valid("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(valid("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(valid("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(valid("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(utf8_validate, rejects_overlong_forms) {
  EXPECT_FALSE(valid("\xC0\x80"));
  EXPECT_FALSE(valid("\xC1\xBF"));
  EXPECT_FALSE(valid("\xE0\x9F\xBF"));
  EXPECT_FALSE(valid("\xF0\x8F\xBF\xBF"));
}

TEST(utf8_validate, rejects_encoded_surrogates) {
  EXPECT_FALSE(valid("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(valid("\xED\xBF\xBF"));  // U+DFFF
}

TEST(utf8_validate, rejects_code_points_past_u10ffff) {
  EXPECT_FALSE(valid("\xF4\x90\x80\x80"));
  EXPECT_FALSE(valid("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid("\xFF"));
}

TEST(utf8_validate, rejects_truncated_and_stray_continuation_bytes) {
  EXPECT_FALSE(valid("\x80"));
  EXPECT_FALSE(valid("a\xE2\x82"));
  EXPECT_FALSE(valid("\xE2\x82\x41"));
  EXPECT_FALSE(valid("\xF0\x9F\x98"));
  EXPECT_EQ(utf8::validate("\xC3").error(), errc::invalid_utf8);
}

TEST(utf8_append, writes_what_next_reads) {
  for (const char32_t cp :
       {U'\0', U'\x7F', U'\x80', U'\u07FF', U'\u0800', U'\uFFFF', U'\U00010000', U'\U0010FFFF'}) {
    std::string s;
    utf8::append(s, cp);
    std::size_t pos = 0;
    char32_t back = 0;
    ASSERT_TRUE(utf8::next(s, pos, back));
    EXPECT_EQ(back, cp);
    EXPECT_EQ(pos, s.size());
  }
}

TEST(utf8_count, counts_code_points_not_bytes) {
  EXPECT_EQ(*utf8::count_code_points("aé€😀"), 4u);
  EXPECT_EQ(utf8::count_code_points("a\xFF").error(), errc::invalid_utf8);
}

}  // namespace
}  // namespace smppd::text
