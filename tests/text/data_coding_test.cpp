#include "text/data_coding.hpp"

#include <gtest/gtest.h>

#include <set>

#include "text/errc.hpp"

namespace smppd::text {
namespace {

TEST(data_coding, supports_exactly_the_codings_of_the_contract) {
  const std::set<int> supported = {0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x08, 0x18, 0xF0};
  for (int dc = 0; dc < 256; ++dc) {
    const auto info = lookup(static_cast<std::uint8_t>(dc));
    EXPECT_EQ(info.has_value(), supported.count(dc) == 1) << dc;
    EXPECT_EQ(is_supported(static_cast<std::uint8_t>(dc)), supported.count(dc) == 1);
    if (!info) {
      EXPECT_EQ(info.error(), errc::unsupported_data_coding);
    }
  }
}

TEST(data_coding, describes_each_alphabet) {
  EXPECT_EQ(lookup(dcs::gsm7)->alpha, alphabet::gsm7);
  EXPECT_EQ(lookup(dcs::ascii)->alpha, alphabet::ascii);
  EXPECT_EQ(lookup(dcs::binary)->alpha, alphabet::binary);
  EXPECT_EQ(lookup(dcs::binary_4)->alpha, alphabet::binary);
  EXPECT_EQ(lookup(dcs::latin1)->alpha, alphabet::latin1);
  EXPECT_EQ(lookup(dcs::iso8859_5)->alpha, alphabet::iso8859_5);
  EXPECT_EQ(lookup(dcs::ucs2)->alpha, alphabet::ucs2);
  EXPECT_EQ(lookup(dcs::ucs2_flash)->alpha, alphabet::ucs2);
  EXPECT_EQ(lookup(dcs::gsm7_flash)->alpha, alphabet::gsm7);
  EXPECT_FALSE(lookup(dcs::binary)->is_text);
  EXPECT_TRUE(lookup(dcs::latin1)->is_text);
}

TEST(data_coding, marks_only_0x18_and_0xf0_as_flash) {
  for (const std::uint8_t dc : {0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x08}) {
    EXPECT_FALSE(lookup(dc)->flash) << int{dc};
  }
  EXPECT_TRUE(lookup(dcs::ucs2_flash)->flash);
  EXPECT_TRUE(lookup(dcs::gsm7_flash)->flash);
}

TEST(data_coding, gives_the_units_per_message_and_per_part) {
  const auto gsm = *lookup(dcs::gsm7);
  const auto octets = *lookup(dcs::binary);
  const auto wide = *lookup(dcs::ucs2);
  EXPECT_EQ(gsm.counted_in, unit::septet);
  EXPECT_EQ(octets.counted_in, unit::octet);
  EXPECT_EQ(wide.counted_in, unit::ucs2_code_unit);
  EXPECT_EQ(wide.payload_octets_per_unit, 2);
  EXPECT_EQ(units_per_message(gsm), 160u);
  EXPECT_EQ(units_per_message(gsm, 6), 153u);
  EXPECT_EQ(units_per_message(gsm, 7), 152u);
  EXPECT_EQ(units_per_message(octets), 140u);
  EXPECT_EQ(units_per_message(octets, 6), 134u);
  EXPECT_EQ(units_per_message(octets, 7), 133u);
  EXPECT_EQ(units_per_message(wide), 70u);
  EXPECT_EQ(units_per_message(wide, 6), 67u);
  EXPECT_EQ(units_per_message(wide, 7), 66u);
  EXPECT_EQ(units_per_message(*lookup(dcs::latin1)), 140u);
  EXPECT_EQ(units_per_message(gsm, 140), 0u);
}

}  // namespace
}  // namespace smppd::text
