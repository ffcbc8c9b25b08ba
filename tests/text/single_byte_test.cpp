#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_bytes.hpp"
#include "text/ascii.hpp"
#include "text/errc.hpp"
#include "text/iso8859_5.hpp"
#include "text/latin1.hpp"
#include "text/utf8.hpp"

namespace smppd::text {
namespace {

using test::bytes;
using test::from_hex;

TEST(ascii_validate, accepts_0x7f_and_rejects_0x80) {
  EXPECT_TRUE(ascii::validate(from_hex("00 41 7F")));
  EXPECT_EQ(ascii::validate(from_hex("41 80")).error(), errc::octet_out_of_range);
}

TEST(ascii_validate, rejects_a_high_bit_at_every_position_of_every_length) {
  for (std::size_t n = 1; n <= 80; ++n) {
    bytes payload = test::repeat(0x7F, n);
    ASSERT_TRUE(ascii::validate(payload));
    for (std::size_t pos = 0; pos < n; ++pos) {
      payload[pos] = 0x80;
      ASSERT_FALSE(ascii::validate(payload)) << n << " " << pos;
      payload[pos] = 0x7F;
    }
  }
}

TEST(ascii_encode, accepts_u007f_and_rejects_u0080) {
  EXPECT_EQ(*ascii::encode("a~\x7F"), from_hex("61 7E 7F"));
  EXPECT_EQ(ascii::encode("\xC2\x80").error(), errc::unencodable_character);
  EXPECT_EQ(ascii::encode("\x80").error(), errc::invalid_utf8);
}

TEST(ascii_decode, is_the_identity_on_valid_payloads) {
  EXPECT_EQ(*ascii::decode(from_hex("48 69 0A")), "Hi\n");
  EXPECT_EQ(ascii::decode(from_hex("E9")).error(), errc::octet_out_of_range);
}

TEST(latin1, decodes_every_octet_to_the_same_code_point) {
  EXPECT_EQ(*latin1::decode(from_hex("41 E9 FF A0")), "Aé\xC3\xBF\xC2\xA0");
}

TEST(latin1_encode, accepts_u00ff_and_rejects_u0100) {
  EXPECT_EQ(*latin1::encode("ÿé"), from_hex("FF E9"));
  EXPECT_EQ(latin1::encode("Ā").error(), errc::unencodable_character);
  EXPECT_EQ(latin1::encode("€").error(), errc::unencodable_character);
}

TEST(iso8859_5, maps_the_upper_half_as_the_standard_says) {
  EXPECT_EQ(iso8859_5::to_unicode(0x41), U'A');
  EXPECT_EQ(iso8859_5::to_unicode(0xA0), U'\u00A0');
  EXPECT_EQ(iso8859_5::to_unicode(0xA1), U'\u0401');
  EXPECT_EQ(iso8859_5::to_unicode(0xAC), U'\u040C');
  EXPECT_EQ(iso8859_5::to_unicode(0xAD), U'\u00AD');
  EXPECT_EQ(iso8859_5::to_unicode(0xAE), U'\u040E');
  EXPECT_EQ(iso8859_5::to_unicode(0xEF), U'\u044F');
  EXPECT_EQ(iso8859_5::to_unicode(0xF0), U'\u2116');
  EXPECT_EQ(iso8859_5::to_unicode(0xF1), U'\u0451');
  EXPECT_EQ(iso8859_5::to_unicode(0xFC), U'\u045C');
  EXPECT_EQ(iso8859_5::to_unicode(0xFD), U'\u00A7');
  EXPECT_EQ(iso8859_5::to_unicode(0xFE), U'\u045E');
  EXPECT_EQ(iso8859_5::to_unicode(0xFF), U'\u045F');
}

TEST(iso8859_5_encode, round_trips_every_octet) {
  bytes all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<std::uint8_t>(b));
  const auto text = iso8859_5::decode(all);
  ASSERT_TRUE(text);
  EXPECT_EQ(*iso8859_5::encode(*text), all);
}

TEST(iso8859_5_encode, rejects_the_cyrillic_letters_it_lacks) {
  EXPECT_EQ(*iso8859_5::encode("Привет"), from_hex("BF E0 D8 D2 D5 E2"));
  for (const char* missing : {"\u0400", "\u040D", "\u0450", "\u045D", "\u0460", "é"}) {
    EXPECT_EQ(iso8859_5::encode(missing).error(), errc::unencodable_character) << missing;
  }
}

// What iconv makes of the upper half of a single-byte charset, or "" without iconv.
std::string iconv_upper_half(const char* charset) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("smppd_text_iconv_" + std::string(charset) + ".bin");
  {
    std::ofstream out(path, std::ios::binary);
    for (int b = 0xA0; b <= 0xFF; ++b) out.put(static_cast<char>(b));
  }
  const std::string command =
      std::string("iconv -f ") + charset + " -t UTF-8 " + path.string() + " 2>/dev/null";
  std::string result;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.append(buffer, got);
    if (pclose(pipe) != 0) result.clear();
  }
  std::filesystem::remove(path);
  return result;
}

bytes upper_half() {
  bytes out;
  for (int b = 0xA0; b <= 0xFF; ++b) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

TEST(iso8859_5, agrees_with_iconv) {
  const std::string expected = iconv_upper_half("ISO-8859-5");
  if (expected.empty()) GTEST_SKIP() << "iconv not available";
  EXPECT_EQ(*iso8859_5::decode(upper_half()), expected);
}

TEST(latin1, agrees_with_iconv) {
  const std::string expected = iconv_upper_half("ISO-8859-1");
  if (expected.empty()) GTEST_SKIP() << "iconv not available";
  EXPECT_EQ(*latin1::decode(upper_half()), expected);
}

}  // namespace
}  // namespace smppd::text
