#include "dlr/deliver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

#include "support/wire.hpp"

namespace smppd::dlr {
namespace {

using namespace std::chrono;
using smpp::tlv_tag;
using smpp::test::wire;
using smpp::test::with_length;

wall_time at(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

core::message_record message(std::uint8_t registered_delivery = 1) {
  core::message_record m;
  m.id = 1234567890123456789ull;
  m.system_id = "acme";
  m.source_addr_ton = 5;
  m.source_addr_npi = 0;
  m.source_addr = "Acme";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4599123456";
  m.registered_delivery = registered_delivery;
  m.submitted_at = at(2024, 3, 5, 14, 7, 31);
  return m;
}

constexpr std::array final_statuses{receipt_status::delivrd, receipt_status::expired,
                                    receipt_status::deleted, receipt_status::undeliv,
                                    receipt_status::acceptd, receipt_status::unknown,
                                    receipt_status::rejectd};
constexpr std::array intermediate_statuses{receipt_status::enroute, receipt_status::buffered};

TEST(registered_delivery, 0_asks_for_no_receipt_at_all) {
  for (auto s : final_statuses) EXPECT_FALSE(wants_receipt(0, s)) << to_string(s);
  for (auto s : intermediate_statuses) EXPECT_FALSE(wants_receipt(0, s)) << to_string(s);
}

TEST(registered_delivery, 1_asks_for_every_final_state_and_no_intermediate_one) {
  for (auto s : final_statuses) EXPECT_TRUE(wants_receipt(1, s)) << to_string(s);
  for (auto s : intermediate_statuses) EXPECT_FALSE(wants_receipt(1, s)) << to_string(s);
}

TEST(registered_delivery, 2_asks_for_failures_only) {
  EXPECT_FALSE(wants_receipt(2, receipt_status::delivrd));
  EXPECT_FALSE(wants_receipt(2, receipt_status::acceptd));
  for (auto s : {receipt_status::expired, receipt_status::deleted, receipt_status::undeliv,
                 receipt_status::unknown, receipt_status::rejectd}) {
    EXPECT_TRUE(wants_receipt(2, s)) << to_string(s);
  }
  for (auto s : intermediate_statuses) EXPECT_FALSE(wants_receipt(2, s)) << to_string(s);
}

TEST(registered_delivery, 3_is_reserved_and_asks_for_no_final_receipt) {
  for (auto s : final_statuses) EXPECT_FALSE(wants_receipt(3, s)) << to_string(s);
}

TEST(registered_delivery, bit_0x10_adds_intermediate_reports_to_each_final_choice) {
  for (std::uint8_t base : {0, 1, 2}) {
    const auto rd = static_cast<std::uint8_t>(base | 0x10);
    for (auto s : intermediate_statuses) EXPECT_TRUE(wants_receipt(rd, s)) << int{rd};
    for (auto s : final_statuses) EXPECT_EQ(wants_receipt(rd, s), wants_receipt(base, s));
  }
}

TEST(registered_delivery, other_bits_do_not_change_the_choice) {
  EXPECT_TRUE(wants_receipt(0x01 | 0x04, receipt_status::delivrd));  // SME ack bits
  EXPECT_FALSE(wants_receipt(0x0C, receipt_status::undeliv));
}

TEST(receipt_for, gives_nothing_when_registered_delivery_does_not_ask) {
  EXPECT_EQ(receipt_for(message(0), receipt_status::delivrd, 0, at(2024, 3, 5, 14, 8)),
            std::nullopt);
  EXPECT_EQ(receipt_for(message(2), receipt_status::delivrd, 0, at(2024, 3, 5, 14, 8)),
            std::nullopt);
  EXPECT_EQ(receipt_for(message(1), receipt_status::enroute, 0, at(2024, 3, 5, 14, 8)),
            std::nullopt);
}

TEST(receipt_for, builds_the_contract_text_and_swaps_the_addresses) {
  auto m = message(1);
  m.user_message_reference = {0x00, 0x2A};
  const auto r = receipt_for(m, receipt_status::undeliv, 0x107E, at(2024, 3, 5, 14, 8, 59));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text,
            "id:1234567890123456789 sub:001 dlvrd:000 submit date:2403051407 "
            "done date:2403051408 stat:UNDELIV err:126 text:42");
  EXPECT_EQ(r->receipt_id, 0u);
  EXPECT_EQ(r->system_id, "acme");
  EXPECT_EQ(r->message_id, m.id);
  EXPECT_EQ(r->message_state, 5);
  EXPECT_EQ(r->network_error, 0x107Eu);
  EXPECT_EQ(r->source_addr_ton, 1);
  EXPECT_EQ(r->source_addr_npi, 1);
  EXPECT_EQ(r->source_addr, "4599123456");
  EXPECT_EQ(r->dest_addr_ton, 5);
  EXPECT_EQ(r->dest_addr_npi, 0);
  EXPECT_EQ(r->destination_addr, "Acme");
  EXPECT_EQ(r->user_message_reference, m.user_message_reference);
  EXPECT_EQ(r->created_at, at(2024, 3, 5, 14, 8, 59));
}

TEST(receipt_for, prints_delivered_with_dlvrd_001_and_err_000) {
  const auto r = receipt_for(message(1), receipt_status::delivrd, 0, at(2025, 1, 1, 0, 0));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text,
            "id:1234567890123456789 sub:001 dlvrd:001 submit date:2403051407 "
            "done date:2501010000 stat:DELIVRD err:000 text:");
  EXPECT_EQ(r->message_state, 2);
}

TEST(receipt_for, maps_the_gateway_error_to_the_err_field) {
  for (auto [code, err] : {std::pair{0x107Eu, "err:126"}, std::pair{0x1013u, "err:019"},
                           std::pair{0x1902u, "err:2306"}}) {
    const auto r = receipt_for(message(1), receipt_status::rejectd, code, at(2024, 3, 5, 14, 8));
    ASSERT_TRUE(r);
    EXPECT_NE(r->text.find(std::string(" ") + err + " text:"), std::string::npos) << r->text;
  }
}

TEST(receipt_for, reports_an_intermediate_state_when_bit_0x10_asks) {
  const auto r = receipt_for(message(0x11), receipt_status::enroute, 0, at(2024, 3, 5, 14, 7));
  ASSERT_TRUE(r);
  EXPECT_NE(r->text.find(" stat:ENROUTE "), std::string::npos);
  EXPECT_EQ(r->message_state, 1);
}

TEST(reference_text, prints_a_2_octet_reference_as_its_decimal_value) {
  EXPECT_EQ(reference_text(std::vector<std::uint8_t>{0x00, 0x00}), "0");
  EXPECT_EQ(reference_text(std::vector<std::uint8_t>{0x30, 0x39}), "12345");  // not "09"
  EXPECT_EQ(reference_text(std::vector<std::uint8_t>{0xFF, 0xFF}), "65535");
}

TEST(reference_text, keeps_the_first_20_characters_of_a_longer_reference) {
  const std::string ref = "order-2024-03-05-000123-xyz";
  EXPECT_EQ(reference_text(std::vector<std::uint8_t>(ref.begin(), ref.end())),
            "order-2024-03-05-000");
  const std::string three = "abc";
  EXPECT_EQ(reference_text(std::vector<std::uint8_t>(three.begin(), three.end())), "abc");
}

TEST(reference_text, is_empty_without_a_reference_and_stays_ascii) {
  EXPECT_EQ(reference_text({}), "");
  EXPECT_EQ(reference_text(std::vector<std::uint8_t>{'a', 0x00, 0xE9, '\n', 'z'}), "a???z");
}

TEST(receipt_for, puts_a_text_reference_in_the_text_field) {
  auto m = message(1);
  const std::string ref = "campaign-7/batch-1234567";
  m.user_message_reference.assign(ref.begin(), ref.end());
  const auto r = receipt_for(m, receipt_status::delivrd, 0, at(2024, 3, 5, 14, 8));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->text.ends_with(" text:campaign-7/batch-123")) << r->text;
}

TEST(make_deliver_sm, encodes_a_failed_receipt_with_every_tlv_exactly) {
  auto m = message(1);
  m.user_message_reference = {0x00, 0x2A};
  const auto r = receipt_for(m, receipt_status::undeliv, 0x107E, at(2024, 3, 5, 14, 8));
  ASSERT_TRUE(r);
  smpp::pdu p{smpp::command_status::esme_rok, 7, make_deliver_sm(*r)};
  const auto golden = wire(
                          "00000000 00000005 00000000 00000007"
                          "| 00 | 01 01 '4599123456' 00 | 05 00 'Acme' 00"
                          "| 04 00 00 | 00 | 00 | 00 00 00 00"
                          "| 71 'id:1234567890123456789 sub:001 dlvrd:000 submit date:2403051407 "
                          "done date:2403051408 stat:UNDELIV err:126 text:42'"
                          "| 001e 0014 '1234567890123456789' 00"
                          "| 0427 0001 05"
                          "| 0423 0003 03 007e"
                          "| 0204 0002 002a") |
                      with_length;
  EXPECT_EQ(smpp::test::to_hex(smpp::encode(p)), smpp::test::to_hex(golden));

  const auto decoded = smpp::decode(golden);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, p);
}

TEST(make_deliver_sm, leaves_out_network_error_code_and_reference_when_there_are_none) {
  const auto r = receipt_for(message(1), receipt_status::delivrd, 0, at(2024, 3, 5, 14, 8));
  ASSERT_TRUE(r);
  const auto sm = make_deliver_sm(*r);
  EXPECT_EQ(sm.esm_class, 0x04);
  EXPECT_EQ(sm.data_coding, 0);
  EXPECT_EQ(sm.short_message.view(), r->text);
  EXPECT_EQ(sm.tlvs.get_string(tlv_tag::receipted_message_id), "1234567890123456789");
  EXPECT_EQ(sm.tlvs.get_u8(tlv_tag::message_state), 2);
  EXPECT_FALSE(sm.tlvs.contains(tlv_tag::network_error_code));
  EXPECT_FALSE(sm.tlvs.contains(tlv_tag::user_message_reference));
  EXPECT_EQ(sm.tlvs.count(), 2u);
}

TEST(make_deliver_sm, echoes_a_text_reference_exactly_as_submitted) {
  auto m = message(1);
  const std::string ref = "a-reference-longer-than-20-chars";
  m.user_message_reference.assign(ref.begin(), ref.end());
  const auto r = receipt_for(m, receipt_status::expired, 0, at(2024, 3, 5, 14, 8));
  ASSERT_TRUE(r);
  const auto sm = make_deliver_sm(*r);
  const auto tlv = sm.tlvs.find(tlv_tag::user_message_reference);
  ASSERT_TRUE(tlv);
  EXPECT_EQ(std::string(tlv->value.begin(), tlv->value.end()), ref);
  EXPECT_EQ(sm.tlvs.get_u8(tlv_tag::message_state), 3);
}

TEST(make_deliver_sm, carries_the_err_value_in_network_error_code_as_gsm) {
  const auto r = receipt_for(message(1), receipt_status::rejectd, 0x1902, at(2024, 3, 5, 14, 8));
  ASSERT_TRUE(r);
  const auto sm = make_deliver_sm(*r);
  const auto tlv = sm.tlvs.find(tlv_tag::network_error_code);
  ASSERT_TRUE(tlv);
  EXPECT_EQ(smpp::test::to_hex(tlv->value), "030902");  // GSM, 2306
}

TEST(make_deliver_sm, parses_back_with_the_receipt_parser) {
  const auto r = receipt_for(message(1), receipt_status::undeliv, 0x107E, at(2024, 3, 5, 14, 8));
  ASSERT_TRUE(r);
  const auto parsed = parse(make_deliver_sm(*r).short_message.view());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->id, "1234567890123456789");
  EXPECT_EQ(parsed->stat, receipt_status::undeliv);
  EXPECT_EQ(parsed->err, 126u);
  EXPECT_EQ(parsed->done_date, at(2024, 3, 5, 14, 8));
}

core::receipt_record mo(std::string payload, std::uint8_t esm_class) {
  core::receipt_record r;
  r.system_id = "acme";
  r.text = std::move(payload);
  r.source_addr_ton = 1;
  r.source_addr_npi = 1;
  r.source_addr = "4670000001";
  r.dest_addr_ton = 2;
  r.dest_addr_npi = 9;
  r.destination_addr = "4512345";
  r.esm_class = esm_class;
  r.data_coding = 8;
  return r;
}

TEST(deliver_sm_for_mo, carries_the_payload_as_received_and_no_receipt_tlvs) {
  const auto pdu = make_deliver_sm(mo(std::string("\x00H\x00i", 4), 0));
  EXPECT_EQ(pdu.esm_class, 0);
  EXPECT_EQ(pdu.data_coding, 8);
  EXPECT_EQ(pdu.source_addr.view(), "4670000001");
  EXPECT_EQ(pdu.dest_addr_ton, 2);
  EXPECT_EQ(pdu.dest_addr_npi, 9);
  EXPECT_EQ(pdu.destination_addr.view(), "4512345");
  EXPECT_EQ(pdu.short_message.view(), std::string_view("\x00H\x00i", 4));
  EXPECT_FALSE(pdu.tlvs.contains(tlv_tag::receipted_message_id));
  EXPECT_FALSE(pdu.tlvs.contains(tlv_tag::message_state));
  EXPECT_FALSE(pdu.tlvs.contains(tlv_tag::network_error_code));
}

TEST(deliver_sm_for_mo, a_udh_part_keeps_its_flag_and_a_long_payload_goes_in_the_tlv) {
  const std::string udh_part("\x05\x00\x03\x01\x02\x01hi", 8);
  const auto part = make_deliver_sm(mo(udh_part, 0x40));
  EXPECT_EQ(part.esm_class, 0x40);
  EXPECT_EQ(part.short_message.view(), udh_part);
  const auto pdu = make_deliver_sm(mo(std::string(300, 'x'), 0));
  EXPECT_TRUE(pdu.short_message.view().empty());
  const auto payload = pdu.tlvs.find(tlv_tag::message_payload);
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->value.size(), 300u);
}

TEST(deliver_sm_for_mo, encodes_a_udh_part_with_its_reference_exactly) {
  auto r = mo(std::string("\x05\x00\x03\x2a\x02\x01\x00H\x00i", 10), 0x40);
  r.user_message_reference = {0x00, 0x07};
  smpp::pdu p{smpp::command_status::esme_rok, 9, make_deliver_sm(r)};
  const auto golden = wire(
                          "00000000 00000005 00000000 00000009"
                          "| 00 | 01 01 '4670000001' 00 | 02 09 '4512345' 00"
                          "| 40 00 00 | 00 | 00 | 00 00 08 00"
                          "| 0a 0500032a0201 0048 0069"
                          "| 0204 0002 0007") |
                      with_length;
  EXPECT_EQ(smpp::test::to_hex(smpp::encode(p)), smpp::test::to_hex(golden));
  const auto decoded = smpp::decode(golden);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, p);
}

TEST(deliver_sm_for_mo, keeps_254_octets_in_short_message_and_moves_255_to_message_payload) {
  std::string at_limit(254, '\0');
  at_limit[253] = '\xFF';
  const auto fits = make_deliver_sm(mo(at_limit, 0));
  EXPECT_EQ(fits.short_message.view(), at_limit);
  EXPECT_FALSE(fits.tlvs.contains(tlv_tag::message_payload));
  EXPECT_EQ(fits.tlvs.count(), 0u);

  const std::string past = at_limit + "\x01";
  const auto moved = make_deliver_sm(mo(past, 0));
  EXPECT_TRUE(moved.short_message.view().empty());
  const auto payload = moved.tlvs.find(tlv_tag::message_payload);
  ASSERT_TRUE(payload);
  EXPECT_EQ(std::string(payload->value.begin(), payload->value.end()), past);
  EXPECT_EQ(moved.tlvs.count(), 1u);
  EXPECT_EQ(moved.esm_class, 0);
  EXPECT_EQ(moved.data_coding, 8);
}

}  // namespace
}  // namespace smppd::dlr
