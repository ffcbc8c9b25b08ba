#include "smpp/submit_validation.hpp"

#include <gtest/gtest.h>

namespace {

using namespace smppd;
using smpp::command_status;
using smpp::submit_request;
using smpp::tlv_tag;

const wall_time now{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}};
const std::vector<std::string> classes = {"standard", "premium"};

smpp::submit_sm valid() {
  smpp::submit_sm s;
  s.source_addr_ton = 1;
  s.source_addr.assign("4512345678");
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr.assign("4587654321");
  s.short_message.assign("hello");
  return s;
}

smpp::submit_policy policy(std::uint8_t max_priority = 3) {
  return smpp::submit_policy{classes, max_priority};
}

command_status status_of(const smpp::submit_sm& s, std::uint8_t max_priority = 3) {
  const auto v = smpp::validate_submit_sm(s, policy(max_priority), now);
  if (const auto* status = std::get_if<command_status>(&v)) return *status;
  return command_status::esme_rok;
}

submit_request accepted(const smpp::submit_sm& s, std::uint8_t max_priority = 3) {
  auto v = smpp::validate_submit_sm(s, policy(max_priority), now);
  EXPECT_TRUE(std::holds_alternative<submit_request>(v));
  return std::holds_alternative<submit_request>(v) ? std::get<submit_request>(v) : submit_request{};
}

TEST(submit_validation, accepts_a_plain_gsm7_message) {
  const auto r = accepted(valid());
  EXPECT_EQ(r.destination_addr, "4587654321");
  EXPECT_EQ(r.payload, (std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_FALSE(r.flash);
}

TEST(submit_validation, destination_ton_0_is_stored_as_1) {
  auto s = valid();
  s.dest_addr_ton = 0;
  EXPECT_EQ(accepted(s).dest_addr_ton, 1);
}

TEST(submit_validation, destination_ton_above_1_is_rinvdstton) {
  for (std::uint8_t ton : {2, 3, 4, 5, 6, 7, 255}) {
    auto s = valid();
    s.dest_addr_ton = ton;
    EXPECT_EQ(status_of(s), command_status::esme_rinvdstton) << int(ton);
  }
}

TEST(submit_validation, destination_of_15_digits_is_accepted_16_rejected) {
  auto s = valid();
  s.destination_addr.assign("123456789012345");
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s.destination_addr.assign("1234567890123456");
  EXPECT_EQ(status_of(s), command_status::esme_rinvdstadr);
}

TEST(submit_validation, destination_must_be_digits_and_not_empty) {
  auto s = valid();
  s.destination_addr.assign("");
  EXPECT_EQ(status_of(s), command_status::esme_rinvdstadr);
  s.destination_addr.assign("+4512345678");
  EXPECT_EQ(status_of(s), command_status::esme_rinvdstadr);
  s.destination_addr.assign("45abc");
  EXPECT_EQ(status_of(s), command_status::esme_rinvdstadr);
}

TEST(submit_validation, empty_source_is_rinvsrcadr) {
  auto s = valid();
  s.source_addr.assign("");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcadr);
}

TEST(submit_validation, alphanumeric_source_of_11_characters_is_accepted_12_rejected) {
  auto s = valid();
  s.source_addr_ton = 5;
  s.source_addr.assign("ABCDEFGHIJK");
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s.source_addr.assign("ABCDEFGHIJKL");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcadr);
}

TEST(submit_validation, alphanumeric_source_counts_an_extension_character_once) {
  auto s = valid();
  s.source_addr_ton = 5;
  s.source_addr.assign("Shop{1234}]");  // 11 characters, 14 septets
  EXPECT_EQ(status_of(s), command_status::esme_rok);
}

TEST(submit_validation, alphanumeric_source_must_be_gsm7) {
  auto s = valid();
  s.source_addr_ton = 5;
  s.source_addr.assign("Shop`");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcadr);
}

TEST(submit_validation, international_source_is_up_to_15_digits) {
  auto s = valid();
  s.source_addr.assign("123456789012345");
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s.source_addr.assign("1234567890123456");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcadr);
  s.source_addr.assign("12345A");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcadr);
}

TEST(submit_validation, other_source_tons_take_up_to_20_characters) {
  auto s = valid();
  s.source_addr_ton = 0;
  s.source_addr.assign("12345678901234567890");
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s.source_addr_ton = 7;
  EXPECT_EQ(status_of(s), command_status::esme_rinvsrcton);
}

TEST(submit_validation, every_seed_data_coding_is_accepted) {
  for (std::uint8_t dcs : {0, 1, 2, 3, 4, 6, 8, 24, 240}) {
    auto s = valid();
    s.data_coding = dcs;
    s.short_message.assign(std::string_view("\x00h\x00i", 4));
    EXPECT_EQ(status_of(s), command_status::esme_rok) << int(dcs);
  }
}

TEST(submit_validation, other_data_codings_are_rinvdcs_0x104) {
  for (std::uint8_t dcs : {5, 7, 9, 16, 25, 241}) {
    auto s = valid();
    s.data_coding = dcs;
    EXPECT_EQ(status_of(s), command_status::esme_rinvdcs) << int(dcs);
  }
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_rinvdcs), 0x104u);
}

TEST(submit_validation, undecodable_payloads_are_rinvdcs) {
  auto s = valid();
  s.short_message.assign(std::string_view("\x80", 1));  // GSM-7 octet >= 0x80
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
  s.short_message.assign(std::string_view("a\x1B", 2));  // escape at the end
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
  s.data_coding = 8;
  s.short_message.assign(std::string_view("\x00h\x00", 3));  // odd UCS-2
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
  s.short_message.assign(std::string_view("\xD8\x3D\x00h", 4));  // lone high surrogate
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
  s.data_coding = 1;
  s.short_message.assign(std::string_view("caf\xE9", 4));  // not ASCII
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
}

TEST(submit_validation, flash_comes_from_the_data_coding_or_dest_addr_subunit) {
  auto s = valid();
  s.data_coding = 240;
  EXPECT_TRUE(accepted(s).flash);
  s = valid();
  s.data_coding = 24;
  s.short_message.assign(std::string_view("\x00h", 2));
  EXPECT_TRUE(accepted(s).flash);
  s = valid();
  s.tlvs.set_u8(tlv_tag::dest_addr_subunit, 1);
  EXPECT_TRUE(accepted(s).flash);
  s = valid();
  s.tlvs.set_u8(tlv_tag::dest_addr_subunit, 2);
  EXPECT_FALSE(accepted(s).flash);
}

TEST(submit_validation, message_payload_replaces_an_empty_short_message) {
  auto s = valid();
  s.short_message.clear();
  const std::vector<std::uint8_t> long_text(600, 'x');
  ASSERT_TRUE(s.tlvs.set(tlv_tag::message_payload, long_text));
  const auto r = accepted(s);
  EXPECT_EQ(r.payload, long_text);
}

TEST(submit_validation, message_payload_with_a_short_message_is_rinvmsglen) {
  auto s = valid();
  const std::vector<std::uint8_t> text(10, 'x');
  s.tlvs.set(tlv_tag::message_payload, text);
  EXPECT_EQ(status_of(s), command_status::esme_rinvmsglen);
}

TEST(submit_validation, a_two_octet_user_message_reference_reads_as_its_decimal_value) {
  auto s = valid();
  s.tlvs.set_u16(tlv_tag::user_message_reference, 0x1234);
  const auto r = accepted(s);
  EXPECT_EQ(r.user_message_reference, (std::vector<std::uint8_t>{0x12, 0x34}));
  EXPECT_EQ(r.user_message_reference_text(), "4660");
}

TEST(submit_validation, message_class_must_be_allowed_for_the_account) {
  auto s = valid();
  s.tlvs.set(tlv_tag::message_class, std::vector<std::uint8_t>{'p', 'r', 'e', 'm', 'i', 'u', 'm'});
  EXPECT_EQ(accepted(s).message_class, "premium");
  s.tlvs.set(tlv_tag::message_class, std::vector<std::uint8_t>{'s', 'e', 'c', 'r', 'e', 't'});
  EXPECT_EQ(status_of(s), command_status::esme_rinvoptparamval);
}

TEST(submit_validation, message_class_may_carry_a_trailing_nul) {
  auto s = valid();
  s.tlvs.set(tlv_tag::message_class,
             std::vector<std::uint8_t>{'s', 't', 'a', 'n', 'd', 'a', 'r', 'd', 0});
  EXPECT_EQ(accepted(s).message_class, "standard");
}

TEST(submit_validation, unknown_tlvs_are_ignored) {
  auto s = valid();
  s.tlvs.set(smpp::tlv_tag{0x1500}, std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_EQ(status_of(s), command_status::esme_rok);
}

TEST(submit_validation, priority_above_3_is_rinvprtflg) {
  auto s = valid();
  s.priority_flag = 3;
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s.priority_flag = 4;
  EXPECT_EQ(status_of(s), command_status::esme_rinvprtflg);
}

TEST(submit_validation, priority_above_the_account_max_is_overwritten) {
  auto s = valid();
  s.priority_flag = 3;
  const auto r = accepted(s, 1);
  EXPECT_EQ(r.priority, 1);
  EXPECT_EQ(r.requested_priority, 3);
}

TEST(submit_validation, reserved_registered_delivery_values_are_rejected) {
  auto s = valid();
  for (std::uint8_t ok : {0x00, 0x01, 0x02, 0x10, 0x11}) {
    s.registered_delivery = ok;
    EXPECT_EQ(status_of(s), command_status::esme_rok) << int(ok);
  }
  for (std::uint8_t bad : {0x03, 0x20, 0x80}) {
    s.registered_delivery = bad;
    EXPECT_EQ(status_of(s), command_status::esme_rinvregdlvflg) << int(bad);
  }
}

TEST(submit_validation, schedule_and_validity_are_resolved_or_rejected) {
  auto s = valid();
  s.schedule_delivery_time.assign("000000010000000R");
  s.validity_period.assign("261126000000000+");
  const auto r = accepted(s);
  ASSERT_TRUE(r.schedule_delivery_time);
  EXPECT_EQ(*r.schedule_delivery_time, now + std::chrono::hours(1));
  ASSERT_TRUE(r.validity_period);
  s.schedule_delivery_time.assign("261332000000000+");
  EXPECT_EQ(status_of(s), command_status::esme_rinvsched);
  s.schedule_delivery_time.clear();
  s.validity_period.assign("26112600000000X+");
  EXPECT_EQ(status_of(s), command_status::esme_rinvexpiry);
}

TEST(submit_validation, udhi_payloads_are_checked_after_the_header) {
  auto s = valid();
  s.esm_class = 0x40;
  // UDH 05 00 03 ref total seq, then GSM-7 text.
  s.short_message.assign(std::string_view("\x05\x00\x03\x2A\x02\x01hi", 8));
  EXPECT_EQ(status_of(s), command_status::esme_rok);
  s.short_message.assign(std::string_view("\x09\x00\x03\x2A\x02\x01hi", 8));  // UDHL past the end
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);  // an undecodable payload
  s.short_message.clear();                                // UDHI with no header at all
  EXPECT_EQ(status_of(s), command_status::esme_rinvdcs);
}

TEST(submit_validation, only_default_and_acknowledgement_message_types_are_accepted) {
  auto s = valid();
  s.esm_class = 0x04;  // delivery receipt: an SMSC-to-ESME type
  EXPECT_EQ(status_of(s), command_status::esme_rinvesmclass);
  s.esm_class = 0x03;  // store and forward mode
  EXPECT_EQ(status_of(s), command_status::esme_rok);
}

}  // namespace
