#include "upstream/submit_builder.hpp"

#include <gtest/gtest.h>

#include "upstream/inbound_message.hpp"

namespace smppd::upstream {
namespace {

core::message_record message(std::string text, std::uint8_t data_coding = 0) {
  core::message_record m;
  m.id = 7;
  m.system_id = "acme";
  m.source_addr_ton = 5;
  m.source_addr = "Shop";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 0;
  m.destination_addr = "4512345678";
  m.data_coding = data_coding;
  m.payload.assign(text.begin(), text.end());
  m.priority = 2;
  m.registered_delivery = 0;
  m.user_message_reference = {0x00, 0x07};
  m.message_class = "premium";
  return m;
}

TEST(submit_builder, a_short_message_goes_as_one_submit_sm_with_our_fields) {
  auto m = message("hello");
  m.validity_period = wall_time(std::chrono::seconds(1795000000));  // 2026-11-18 11:06:40 UTC
  const auto pdus = build_submits(m, long_messages::udh, 1);
  ASSERT_EQ(pdus.size(), 1u);
  const auto& sm = pdus.front();
  EXPECT_EQ(sm.source_addr_ton, 5);
  EXPECT_EQ(sm.source_addr.view(), "Shop");
  EXPECT_EQ(sm.dest_addr_ton, 1);
  EXPECT_EQ(sm.dest_addr_npi, 1);
  EXPECT_EQ(sm.destination_addr.view(), "4512345678");
  EXPECT_EQ(sm.registered_delivery, 1);  // we always want the carrier's receipt
  EXPECT_EQ(sm.priority_flag, 2);
  EXPECT_EQ(sm.esm_class, 0);
  EXPECT_EQ(sm.short_message.view(), "hello");
  EXPECT_EQ(sm.validity_period.view(), "261118110640000+");
  EXPECT_FALSE(sm.tlvs.contains(smpp::tlv_tag::user_message_reference));
  EXPECT_FALSE(sm.tlvs.contains(static_cast<smpp::tlv_tag>(0x2900)));
  EXPECT_FALSE(sm.tlvs.contains(smpp::tlv_tag::dest_addr_subunit));
}

TEST(submit_builder, flash_by_subunit_is_asked_for_again) {
  auto m = message("flash");
  m.flash = true;
  EXPECT_EQ(
      build_submits(m, long_messages::udh, 1).front().tlvs.get_u8(smpp::tlv_tag::dest_addr_subunit),
      1);
  m.data_coding = 0x18;  // flash in the data_coding itself
  EXPECT_FALSE(build_submits(m, long_messages::udh, 1)
                   .front()
                   .tlvs.contains(smpp::tlv_tag::dest_addr_subunit));
}

TEST(submit_builder, a_long_message_is_split_with_a_udh_or_sent_as_payload) {
  const auto m = message(std::string(200, 'a'));  // GSM-7: two parts of up to 153
  const auto parts = build_submits(m, long_messages::udh, 0x1234);
  ASSERT_EQ(parts.size(), 2u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto bytes = parts[i].short_message.bytes();
    ASSERT_GE(bytes.size(), 6u);
    EXPECT_EQ(parts[i].esm_class, 0x40);
    const std::vector<std::uint8_t> udh(bytes.begin(), bytes.begin() + 6);
    EXPECT_EQ(udh, (std::vector<std::uint8_t>{0x05, 0x00, 0x03, 0x34, 0x02,
                                              static_cast<std::uint8_t>(i + 1)}));
  }
  EXPECT_EQ(parts[0].short_message.bytes().size() + parts[1].short_message.bytes().size() - 12,
            200u);
  const auto payload = build_submits(m, long_messages::payload, 1);
  ASSERT_EQ(payload.size(), 1u);
  EXPECT_TRUE(payload.front().short_message.view().empty());
  const auto tlv = payload.front().tlvs.find(smpp::tlv_tag::message_payload);
  ASSERT_TRUE(tlv);
  EXPECT_EQ(tlv->value.size(), 200u);
}

TEST(submit_builder, a_customers_own_udh_part_passes_unsplit) {
  auto m = message(std::string("\x05\x00\x03\x01\x02\x01", 6) + std::string(150, 'b'));
  m.esm_class = 0x40;
  const auto pdus = build_submits(m, long_messages::udh, 9);
  ASSERT_EQ(pdus.size(), 1u);
  EXPECT_EQ(pdus.front().esm_class, 0x40);
  EXPECT_EQ(pdus.front().short_message.bytes().size(), 156u);
}

TEST(inbound_message, an_mo_keeps_addresses_coding_and_payload) {
  smpp::deliver_sm d;
  d.source_addr_ton = 1;
  d.source_addr_npi = 1;
  d.source_addr.assign("4670000002");
  d.dest_addr_ton = 0;
  d.destination_addr.assign("4512345");
  d.esm_class = 0x40;
  d.data_coding = 8;
  const std::vector<std::uint8_t> body{0x05, 0x00, 0x03, 0x02, 0x02, 0x01, 0x00, 0x48, 0x00, 0x00};
  d.short_message.assign(body);
  const auto mo = mo_record(smpp::make_pdu(d, 3));
  ASSERT_TRUE(mo);
  EXPECT_TRUE(mo->is_mo());
  EXPECT_EQ(mo->esm_class, 0x40);
  EXPECT_EQ(mo->data_coding, 8);
  EXPECT_EQ(mo->source_addr, "4670000002");
  EXPECT_EQ(mo->destination_addr, "4512345");
  EXPECT_EQ(std::vector<std::uint8_t>(mo->text.begin(), mo->text.end()), body);  // NULs too
  EXPECT_FALSE(mo_record(smpp::make_pdu(smpp::enquire_link{}, 1)).has_value());
}

}  // namespace
}  // namespace smppd::upstream
