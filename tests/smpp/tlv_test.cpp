#include "smpp/tlv.hpp"

#include <gtest/gtest.h>

#include "smpp/codec.hpp"
#include "support/wire.hpp"

namespace smppd::smpp {
namespace {

using test::wire;

TEST(tlv_list, keeps_an_unknown_tag_and_reencodes_it_verbatim) {
  const auto frame = wire(
                         "00000000 00000004 00000000 00000001 00 01 01 '45' 00 01 01 '46' 00 00 00 "
                         "00 00 00 00 00 00"
                         "00 00 | 1401 0004 deadbeef | 0204 0002 0007 | 3fff 0000") |
                     test::with_length;
  decode_result r = decode(frame);
  ASSERT_TRUE(r);
  const tlv_list& tlvs = r->get_if<submit_sm>()->tlvs;
  EXPECT_EQ(tlvs.count(), 3u);
  auto unknown = tlvs.find(tlv_tag{0x1401});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(test::to_hex(unknown->value), "deadbeef");
  EXPECT_EQ(tlvs.get_u16(tlv_tag::user_message_reference), 7);
  EXPECT_EQ(test::to_hex(encode(*r)), test::to_hex(frame));
}

TEST(tlv_list, parse_rejects_a_truncated_header_with_rinvoptparstream) {
  tlv_list tlvs;
  EXPECT_EQ(tlvs.parse(wire("020400")), command_status::esme_rinvoptparstream);
  EXPECT_TRUE(tlvs.empty());
}

TEST(tlv_list, parse_rejects_a_length_past_the_end_with_rinvoptparstream) {
  tlv_list tlvs;
  EXPECT_EQ(tlvs.parse(wire("0424 0005 01020304")), command_status::esme_rinvoptparstream);
}

TEST(tlv_list, parse_rejects_a_standard_tag_of_the_wrong_length_with_rinvparlen) {
  tlv_list tlvs;
  EXPECT_EQ(tlvs.parse(wire("0427 0002 0001")), command_status::esme_rinvparlen);
  EXPECT_EQ(tlvs.parse(wire("0423 0002 0001")), command_status::esme_rinvparlen);
  EXPECT_EQ(tlvs.parse(wire("0204 0001 01")), command_status::esme_rinvparlen);
  EXPECT_EQ(tlvs.parse(wire("001e 0000")), command_status::esme_rinvparlen);
  EXPECT_TRUE(tlvs.empty());
}

TEST(tlv_list, parse_accepts_a_text_user_message_reference) {
  tlv_list tlvs;
  EXPECT_EQ(tlvs.parse(wire("0204 0005 'ref-1'")), command_status::esme_rok);
  EXPECT_EQ(tlvs.get_string(tlv_tag::user_message_reference), "ref-1");
  EXPECT_FALSE(tlvs.get_u16(tlv_tag::user_message_reference));
}

TEST(tlv_list, typed_setters_write_big_endian_and_getters_read_them_back) {
  tlv_list tlvs;
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::message_state, 2));
  ASSERT_TRUE(tlvs.set_u16(tlv_tag::sar_msg_ref_num, 0x1234));
  ASSERT_TRUE(tlvs.set_u32(tlv_tag::qos_time_to_live, 0x01020304));
  ASSERT_TRUE(tlvs.set_string(tlv_tag::receipted_message_id, "abc"));
  ASSERT_TRUE(tlvs.set_string(tlv_tag::message_class, "premium"));
  EXPECT_EQ(test::to_hex(tlvs.wire_bytes()),
            test::to_hex(wire("0427 0001 02 | 020c 0002 1234 | 0017 0004 01020304"
                              "| 001e 0004 'abc' 00 | 2900 0007 'premium'")));
  EXPECT_EQ(tlvs.get_u8(tlv_tag::message_state), 2);
  EXPECT_EQ(tlvs.get_u16(tlv_tag::sar_msg_ref_num), 0x1234);
  EXPECT_EQ(tlvs.get_u32(tlv_tag::qos_time_to_live), 0x01020304u);
  EXPECT_EQ(tlvs.get_string(tlv_tag::receipted_message_id), "abc");
  EXPECT_EQ(tlvs.get_string(tlv_tag::message_class), "premium");
  EXPECT_FALSE(tlvs.get_u8(tlv_tag::dest_addr_subunit));
  EXPECT_FALSE(tlvs.get_u16(tlv_tag::message_state)) << "a getter of the wrong size is absent";
}

TEST(tlv_list, set_replaces_an_existing_tag) {
  tlv_list tlvs;
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::message_state, 1));
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::dest_addr_subunit, 1));
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::message_state, 5));
  EXPECT_EQ(tlvs.count(), 2u);
  EXPECT_EQ(tlvs.get_u8(tlv_tag::message_state), 5);
}

TEST(tlv_list, set_refuses_a_value_breaking_the_tags_length_rule) {
  tlv_list tlvs;
  EXPECT_FALSE(tlvs.set_u16(tlv_tag::message_state, 1));
  EXPECT_FALSE(tlvs.set_string(tlv_tag::receipted_message_id, std::string(65, '1')));
  EXPECT_TRUE(tlvs.set_string(tlv_tag::receipted_message_id, std::string(64, '1')));
  EXPECT_EQ(tlvs.count(), 1u);
}

TEST(tlv_list, erase_removes_every_instance_and_append_keeps_repeats) {
  tlv_list tlvs;
  const std::uint8_t number[] = {1, 1, '4', '5'};
  ASSERT_TRUE(tlvs.append(tlv_tag::callback_num, number));
  ASSERT_TRUE(tlvs.append(tlv_tag::callback_num, number));
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::message_state, 1));
  EXPECT_EQ(tlvs.count(), 3u);
  EXPECT_EQ(tlvs.erase(tlv_tag::callback_num), 2u);
  EXPECT_EQ(tlvs.count(), 1u);
}

TEST(tlv_list, message_payload_of_64_kib_spills_to_the_heap_and_round_trips) {
  tlv_list tlvs;
  const std::vector<std::uint8_t> payload(65535, 0x41);
  ASSERT_TRUE(tlvs.set(tlv_tag::message_payload, payload));
  EXPECT_FALSE(tlvs.set(tlv_tag::message_payload, std::vector<std::uint8_t>(65536, 0x41)));
  tlv_list copy = tlvs;
  EXPECT_EQ(copy, tlvs);
  EXPECT_EQ(copy.find(tlv_tag::message_payload)->value.size(), 65535u);
  EXPECT_EQ(copy.erase(tlv_tag::message_payload), 1u);
  EXPECT_TRUE(copy.empty());

  data_sm b;
  b.tlvs = tlvs;
  const pdu p = make_pdu(b, 3);
  decode_result r = decode(encode(p));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, p);
}

TEST(tlv_list, moving_out_of_the_inline_storage_and_back_keeps_the_bytes) {
  tlv_list tlvs;
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::message_state, 1));
  ASSERT_TRUE(tlvs.set(tlv_tag::message_payload, std::vector<std::uint8_t>(200, 7)));
  ASSERT_TRUE(tlvs.set_u8(tlv_tag::dest_addr_subunit, 1));
  tlv_list moved = std::move(tlvs);
  EXPECT_EQ(moved.count(), 3u);
  moved.erase(tlv_tag::message_payload);
  EXPECT_EQ(test::to_hex(moved.wire_bytes()), test::to_hex(wire("0427 0001 01 0005 0001 01")));
}

TEST(tlv_tag, names_standard_and_custom_tags_and_prints_unknown_ones_as_hex) {
  EXPECT_EQ(name(tlv_tag::receipted_message_id), "receipted_message_id");
  EXPECT_EQ(name(tlv_tag::message_class), "message_class");
  EXPECT_EQ(to_string(tlv_tag{0x1401}), "0x1401");
  ASSERT_NE(find_tlv_info(tlv_tag::network_error_code), nullptr);
  EXPECT_EQ(find_tlv_info(tlv_tag::network_error_code)->min_length, 3);
  EXPECT_EQ(find_tlv_info(tlv_tag{0x1401}), nullptr);
}

}  // namespace
}  // namespace smppd::smpp
