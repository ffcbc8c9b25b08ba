#include "client/message.hpp"

#include <gtest/gtest.h>

#include "text/udh.hpp"

namespace smppd::client {
namespace {

TEST(build_submits, sends_a_short_gsm7_text_as_one_submit_sm) {
  message_spec spec;
  spec.from = "+4511223344";
  spec.to = "+4599887766";
  spec.text = "Hello @ {world}";
  spec.registered_delivery = 1;
  const auto out = build_submits(spec);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  const auto& sm = (*out)[0];
  EXPECT_EQ(sm.data_coding, 0);
  EXPECT_EQ(sm.source_addr, "4511223344");
  EXPECT_EQ(sm.source_addr_ton, 1);
  EXPECT_EQ(sm.destination_addr, "4599887766");
  EXPECT_EQ(sm.dest_addr_ton, 1);
  EXPECT_EQ(sm.registered_delivery, 1);
  EXPECT_EQ(sm.esm_class, 0);
  // '@' is septet 0x00, '{' and '}' are escape pairs.
  EXPECT_EQ(sm.short_message.size(), 17u);
}

TEST(build_submits, uses_ucs2_when_a_character_is_outside_gsm7) {
  message_spec spec;
  spec.from = "Shop";
  spec.to = "4512";
  spec.text = "Привет";
  const auto out = build_submits(spec);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].data_coding, 8);
  EXPECT_EQ((*out)[0].short_message.size(), 12u);
  EXPECT_EQ((*out)[0].source_addr_ton, 5);
}

TEST(build_submits, splits_a_long_text_into_udh_parts_with_esm_class_0x40) {
  message_spec spec;
  spec.to = "4512";
  spec.text = std::string(200, 'x');
  spec.concat_reference = 0x2A;
  const auto out = build_submits(spec);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& sm = (*out)[i];
    EXPECT_EQ(sm.esm_class & 0x40, 0x40);
    const auto udh = text::parse_udh(sm.short_message.bytes());
    ASSERT_TRUE(udh);
    ASSERT_TRUE(udh->concat);
    EXPECT_EQ(udh->concat->reference, 0x2A);
    EXPECT_EQ(udh->concat->total, 2);
    EXPECT_EQ(udh->concat->sequence, i + 1);
  }
  EXPECT_EQ((*out)[0].short_message.size(), 6u + 153u);
  EXPECT_EQ((*out)[1].short_message.size(), 6u + 47u);
}

TEST(build_submits, sends_a_long_text_as_message_payload_when_asked) {
  message_spec spec;
  spec.to = "4512";
  spec.text = std::string(300, 'y');
  spec.long_mode = long_text::payload;
  const auto out = build_submits(spec);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_TRUE((*out)[0].short_message.empty());
  const auto payload = (*out)[0].tlvs.find(smpp::tlv_tag::message_payload);
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->value.size(), 300u);
}

TEST(build_submits, rejects_invalid_utf8_and_an_address_that_does_not_fit) {
  message_spec spec;
  spec.to = "4512";
  spec.text.assign({char(0xC3), char(0x28)});
  EXPECT_FALSE(build_submits(spec));
  spec.text = "ok";
  spec.to = std::string(25, '1');
  EXPECT_FALSE(build_submits(spec));
}

}  // namespace
}  // namespace smppd::client
