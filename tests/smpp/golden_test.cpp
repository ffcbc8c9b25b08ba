// Every 3.4 PDU: encode a populated value, compare with bytes typed from the spec's layout,
// decode them back, compare equal, and check the framer takes the whole frame.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "smpp/codec.hpp"
#include "support/wire.hpp"

namespace smppd::smpp {
namespace {

using test::wire;

// With SMPPD_WRITE_CORPUS=DIR the golden frames are also written to DIR, one file per
// PDU type: they seed the pdu_decode fuzz corpus (fuzz/corpus/pdu_decode/).
void write_corpus_file(const pdu& value, const std::vector<std::uint8_t>& bytes) {
  const char* dir = std::getenv("SMPPD_WRITE_CORPUS");
  if (dir == nullptr) return;
  std::string file = to_string(value.command_id());
  if (value.command_status != command_status::esme_rok) file += "_error";
  std::filesystem::create_directories(dir);
  std::ofstream(std::filesystem::path(dir) / file, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

void expect_golden(const pdu& value, std::string_view layout) {
  const std::vector<std::uint8_t> golden = wire(layout);
  write_corpus_file(value, golden);
  const std::vector<std::uint8_t> encoded = encode(value);
  EXPECT_EQ(test::to_hex(encoded), test::to_hex(golden));
  EXPECT_EQ(encoded_size(value), golden.size());

  const frame_result frame = next_frame(golden, 65536);
  ASSERT_EQ(frame.kind, frame_kind::frame);
  EXPECT_EQ(frame.size, golden.size());  // nothing left over

  decode_result decoded = decode(golden);
  ASSERT_TRUE(decoded) << name(decoded.error().status) << " at " << decoded.error().field;
  EXPECT_EQ(*decoded, value) << to_string(*decoded) << "\n" << to_string(value);
  EXPECT_EQ(decoded->command_id(), value.command_id());
}

TEST(pdu_golden, generic_nack_is_a_bare_header) {
  expect_golden(make_pdu(generic_nack{}, 7, command_status::esme_rinvcmdid),
                "00000010 80000000 00000003 00000007");
}

TEST(pdu_golden, bind_transmitter_carries_its_seven_fields) {
  bind_transmitter b;
  b.system_id = "smppclient1";
  b.password = "pwd";
  b.interface_version = 0x34;
  b.addr_ton = 1;
  b.addr_npi = 1;
  expect_golden(make_pdu(b, 1),
                "00000025 00000002 00000000 00000001"
                "'smppclient1' 00 | 'pwd' 00 | 00 | 34 | 01 | 01 | 00");
}

TEST(pdu_golden, bind_receiver_carries_its_seven_fields) {
  bind_receiver b;
  b.system_id = "rx";
  b.password = "secret12";
  b.system_type = "VMA";
  b.address_range = "^1";
  b.addr_ton = 0;
  b.addr_npi = 0;
  expect_golden(make_pdu(b, 2),
                "00000026 00000001 00000000 00000002"
                "'rx' 00 | 'secret12' 00 | 'VMA' 00 | 34 | 00 | 00 | '^1' 00");
}

TEST(pdu_golden, bind_transceiver_carries_its_seven_fields) {
  bind_transceiver b;
  b.system_id = "trx";
  b.interface_version = 0x33;
  b.addr_ton = 2;
  b.addr_npi = 8;
  expect_golden(make_pdu(b, 3),
                "0000001a 00000009 00000000 00000003"
                "'trx' 00 | 00 | 00 | 33 | 02 | 08 | 00");
}

TEST(pdu_golden, bind_transmitter_resp_carries_sc_interface_version) {
  bind_transmitter_resp b;
  b.system_id = "smppd";
  ASSERT_TRUE(b.tlvs.set_u8(tlv_tag::sc_interface_version, 0x34));
  expect_golden(make_pdu(b, 1),
                "0000001b 80000002 00000000 00000001"
                "'smppd' 00 | 0210 0001 34");
}

TEST(pdu_golden, bind_receiver_resp_with_an_error_has_no_body) {
  expect_golden(make_pdu(bind_receiver_resp{}, 2, command_status::esme_rinvpaswd),
                "00000010 80000001 0000000e 00000002");
}

TEST(pdu_golden, bind_transceiver_resp_without_tlvs) {
  bind_transceiver_resp b;
  b.system_id = "smppd";
  expect_golden(make_pdu(b, 3),
                "00000016 80000009 00000000 00000003"
                "'smppd' 00");
}

TEST(pdu_golden, outbind_carries_system_id_and_password) {
  outbind b;
  b.system_id = "smsc";
  b.password = "pw";
  expect_golden(make_pdu(b, 9),
                "00000018 0000000b 00000000 00000009"
                "'smsc' 00 | 'pw' 00");
}

TEST(pdu_golden, unbind_and_its_response_are_bare_headers) {
  expect_golden(make_pdu(unbind{}, 10), "00000010 00000006 00000000 0000000a");
  expect_golden(make_pdu(unbind_resp{}, 10), "00000010 80000006 00000000 0000000a");
}

TEST(pdu_golden, enquire_link_and_its_response_are_bare_headers) {
  expect_golden(make_pdu(enquire_link{}, 0x7fffffff), "00000010 00000015 00000000 7fffffff");
  expect_golden(make_pdu(enquire_link_resp{}, 0x7fffffff), "00000010 80000015 00000000 7fffffff");
}

TEST(pdu_golden, submit_sm_derives_sm_length_and_keeps_tlvs) {
  submit_sm b;
  b.source_addr_ton = 5;
  b.source_addr = "Smppd";
  b.dest_addr_ton = 1;
  b.dest_addr_npi = 1;
  b.destination_addr = "4512345678";
  b.priority_flag = 1;
  b.validity_period = "000001000000000R";
  b.registered_delivery = 1;
  ASSERT_TRUE(b.short_message.assign(std::string_view("hello")));
  ASSERT_TRUE(b.tlvs.set_u16(tlv_tag::user_message_reference, 42));
  expect_golden(make_pdu(b, 5),
                "0000004b 00000004 00000000 00000005"
                "00 | 05 | 00 | 'Smppd' 00 | 01 | 01 | '4512345678' 00 | 00 | 00 | 01"
                "| 00 | '000001000000000R' 00 | 01 | 00 | 00 | 00 | 05 'hello'"
                "| 0204 0002 002a");
}

TEST(pdu_golden, submit_sm_resp_carries_message_id) {
  submit_sm_resp b;
  b.message_id = "1234567890123456789";
  expect_golden(make_pdu(b, 5),
                "00000024 80000004 00000000 00000005"
                "'1234567890123456789' 00");
}

TEST(pdu_golden, submit_sm_resp_with_an_error_has_no_body) {
  expect_golden(make_pdu(submit_sm_resp{}, 5, command_status::esme_rinvdstadr),
                "00000010 80000004 0000000b 00000005");
}

TEST(pdu_golden, submit_multi_derives_number_of_dests_and_dest_flags) {
  submit_multi b;
  b.service_type = "CMT";
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4500";
  ASSERT_TRUE(b.dest_address.push_back(sme_dest_address{1, 1, "4511"}));
  ASSERT_TRUE(b.dest_address.push_back(distribution_list{"friends"}));
  b.data_coding = 8;
  const std::uint8_t ucs2[] = {0x00, 0x48, 0x00, 0x69};
  ASSERT_TRUE(b.short_message.assign(ucs2));
  expect_golden(make_pdu(b, 6),
                "0000003b 00000021 00000000 00000006"
                "'CMT' 00 | 01 | 01 | '4500' 00 | 02 | 01 01 01 '4511' 00 | 02 'friends' 00"
                "| 00 | 00 | 00 | 00 | 00 | 00 | 00 | 08 | 00 | 04 00480069");
}

TEST(pdu_golden, submit_multi_resp_derives_no_unsuccess) {
  submit_multi_resp b;
  b.message_id = "77";
  ASSERT_TRUE(
      b.unsuccess_sme.push_back(unsuccess_sme{1, 1, "4599", command_status::esme_rinvdstadr}));
  expect_golden(make_pdu(b, 6),
                "0000001f 80000021 00000000 00000006"
                "'77' 00 | 01 | 01 01 '4599' 00 0000000b");
}

TEST(pdu_golden, deliver_sm_receipt_carries_receipted_message_id_and_message_state) {
  deliver_sm b;
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512345678";
  b.dest_addr_ton = 5;
  b.destination_addr = "Smppd";
  b.esm_class = 0x04;
  ASSERT_TRUE(b.short_message.assign(std::string_view("id:42 stat:DELIVRD")));
  ASSERT_TRUE(b.tlvs.set_string(tlv_tag::receipted_message_id, "42"));
  ASSERT_TRUE(b.tlvs.set_u8(tlv_tag::message_state, 2));
  expect_golden(make_pdu(b, 8),
                "0000004e 00000005 00000000 00000008"
                "00 | 01 | 01 | '4512345678' 00 | 05 | 00 | 'Smppd' 00 | 04 | 00 | 00"
                "| 00 | 00 | 00 | 00 | 00 | 00 | 12 'id:42 stat:DELIVRD'"
                "| 001e 0003 '42' 00 | 0427 0001 02");
}

TEST(pdu_golden, deliver_sm_resp_sends_a_null_message_id) {
  expect_golden(make_pdu(deliver_sm_resp{}, 8), "00000011 80000005 00000000 00000008 00");
}

TEST(pdu_golden, data_sm_carries_message_payload) {
  data_sm b;
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512345678";
  b.dest_addr_ton = 1;
  b.dest_addr_npi = 1;
  b.destination_addr = "4587654321";
  b.registered_delivery = 1;
  b.data_coding = 4;
  const std::uint8_t payload[] = {1, 2, 3};
  ASSERT_TRUE(b.tlvs.set(tlv_tag::message_payload, payload));
  expect_golden(make_pdu(b, 11),
                "00000035 00000103 00000000 0000000b"
                "00 | 01 | 01 | '4512345678' 00 | 01 | 01 | '4587654321' 00 | 00 | 01 | 04"
                "| 0424 0003 010203");
}

TEST(pdu_golden, data_sm_resp_carries_message_id_and_tlvs) {
  data_sm_resp b;
  b.message_id = "abc";
  ASSERT_TRUE(b.tlvs.set_u8(tlv_tag::delivery_failure_reason, 0));
  expect_golden(make_pdu(b, 11),
                "00000019 80000103 00000000 0000000b"
                "'abc' 00 | 0425 0001 00");
}

TEST(pdu_golden, query_sm_carries_message_id_and_source) {
  query_sm b;
  b.message_id = "42";
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512";
  expect_golden(make_pdu(b, 12),
                "0000001a 00000003 00000000 0000000c"
                "'42' 00 | 01 | 01 | '4512' 00");
}

TEST(pdu_golden, query_sm_resp_carries_final_date_and_state) {
  query_sm_resp b;
  b.message_id = "42";
  b.final_date = "231231235959000+";
  b.message_state = 2;
  expect_golden(make_pdu(b, 12),
                "00000026 80000003 00000000 0000000c"
                "'42' 00 | '231231235959000+' 00 | 02 | 00");
}

TEST(pdu_golden, cancel_sm_carries_ids_and_both_addresses) {
  cancel_sm b;
  b.message_id = "42";
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512";
  b.dest_addr_ton = 1;
  b.dest_addr_npi = 1;
  b.destination_addr = "4599";
  expect_golden(make_pdu(b, 13),
                "00000022 00000008 00000000 0000000d"
                "00 | '42' 00 | 01 | 01 | '4512' 00 | 01 | 01 | '4599' 00");
}

TEST(pdu_golden, cancel_sm_resp_and_replace_sm_resp_are_bare_headers) {
  expect_golden(make_pdu(cancel_sm_resp{}, 13), "00000010 80000008 00000000 0000000d");
  expect_golden(make_pdu(replace_sm_resp{}, 14), "00000010 80000007 00000000 0000000e");
}

TEST(pdu_golden, replace_sm_derives_sm_length) {
  replace_sm b;
  b.message_id = "42";
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512";
  b.registered_delivery = 1;
  ASSERT_TRUE(b.short_message.assign(std::string_view("hi")));
  expect_golden(make_pdu(b, 14),
                "00000021 00000007 00000000 0000000e"
                "'42' 00 | 01 | 01 | '4512' 00 | 00 | 00 | 01 | 00 | 02 'hi'");
}

TEST(pdu_golden, alert_notification_carries_ms_availability_status) {
  alert_notification b;
  b.source_addr_ton = 1;
  b.source_addr_npi = 1;
  b.source_addr = "4512";
  b.esme_addr_ton = 1;
  b.esme_addr_npi = 1;
  b.esme_addr = "4599";
  ASSERT_TRUE(b.tlvs.set_u8(tlv_tag::ms_availability_status, 0));
  expect_golden(make_pdu(b, 15),
                "00000023 00000102 00000000 0000000f"
                "01 | 01 | '4512' 00 | 01 | 01 | '4599' 00 | 0422 0001 00");
}

TEST(pdu_golden, unknown_command_id_keeps_its_raw_body) {
  expect_golden(make_pdu(unknown_pdu{command_id{0x00000111}, {'a', 'b'}}, 16),
                "00000012 00000111 00000000 00000010 'ab'");
  EXPECT_TRUE(decode(wire("00000012 00000111 00000000 00000010 'ab'"))->is_unknown());
}

TEST(pdu_golden, every_pdu_body_type_has_a_golden_case) {
  // 27 SMPP 3.4 commands plus unknown_pdu: adding a body type must add a golden test above.
  EXPECT_EQ(std::variant_size_v<pdu_body>, 28u);
}

}  // namespace
}  // namespace smppd::smpp
