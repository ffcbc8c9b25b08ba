#include <gtest/gtest.h>

#include <system_error>

#include "smpp/codec.hpp"
#include "support/wire.hpp"

namespace smppd::smpp {
namespace {

TEST(command_id, names_every_3_4_command_and_prints_others_as_hex) {
  EXPECT_EQ(name(command_id::submit_sm), "submit_sm");
  EXPECT_EQ(name(command_id::data_sm_resp), "data_sm_resp");
  EXPECT_EQ(to_string(command_id{0x00000200}), "0x00000200");
  EXPECT_FALSE(is_known(command_id{0x00000200}));
  EXPECT_TRUE(is_known(command_id::alert_notification));
}

TEST(command_id, marks_responses_by_bit_31) {
  EXPECT_TRUE(is_response(command_id::generic_nack));
  EXPECT_TRUE(is_response(command_id::submit_sm_resp));
  EXPECT_FALSE(is_response(command_id::submit_sm));
}

TEST(command_id, maps_requests_to_their_response_and_others_to_generic_nack) {
  EXPECT_EQ(response_id(command_id::submit_sm), command_id::submit_sm_resp);
  EXPECT_EQ(response_id(command_id::bind_transceiver), command_id::bind_transceiver_resp);
  EXPECT_EQ(response_id(command_id::enquire_link), command_id::enquire_link_resp);
  EXPECT_EQ(response_id(command_id::submit_sm_resp), command_id::generic_nack);
  EXPECT_EQ(response_id(command_id::outbind), command_id::generic_nack);
  EXPECT_EQ(response_id(command_id{0x200}), command_id::generic_nack);
}

TEST(command_status, has_the_spec_values) {
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_rinvcmdlen), 0x02u);
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_rinvdstton), 0x50u);
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_rthrottled), 0x58u);
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_rinvoptparstream), 0xC0u);
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_rinvdcs), 0x104u);
  EXPECT_EQ(static_cast<std::uint32_t>(command_status::esme_runknownerr), 0xFFu);
}

TEST(command_status, names_values_as_the_spec_and_prints_others_as_hex) {
  EXPECT_EQ(name(command_status::esme_rinvcmdlen), "ESME_RINVCMDLEN");
  EXPECT_EQ(name(command_status::esme_rx_t_appn), "ESME_RX_T_APPN");
  EXPECT_EQ(name(command_status::esme_rinvdcs), "ESME_RINVDCS");
  EXPECT_EQ(to_string(command_status{0x400}), "0x00000400");
  EXPECT_TRUE(name(command_status{0x400}).empty());
}

TEST(command_status, is_a_std_error_code_in_the_smpp_category) {
  const std::error_code ec = command_status::esme_rinvpaswd;
  EXPECT_EQ(ec.category().name(), std::string("smpp"));
  EXPECT_EQ(ec.value(), 0x0E);
  EXPECT_EQ(ec.message(), "invalid password (ESME_RINVPASWD)");
  EXPECT_TRUE(ec == command_status::esme_rinvpaswd);
  EXPECT_FALSE(std::error_code(command_status::esme_rok));
  EXPECT_EQ(std::error_code(command_status{0x400}).message(), "unknown command_status 0x00000400");
}

TEST(pdu_to_string, lists_command_status_sequence_and_fields_by_name) {
  submit_sm b;
  b.source_addr = "Smppd";
  b.destination_addr = "45\"99";
  ASSERT_TRUE(b.short_message.assign(std::string_view("hi")));
  ASSERT_TRUE(b.tlvs.set_u16(tlv_tag::user_message_reference, 7));
  const std::string text = to_string(make_pdu(b, 5));
  EXPECT_EQ(text.substr(0, 31), "submit_sm status=ESME_ROK seq=5");
  EXPECT_NE(text.find(" source_addr=\"Smppd\""), std::string::npos) << text;
  EXPECT_NE(text.find(" destination_addr=\"45\\x2299\""), std::string::npos) << text;
  EXPECT_NE(text.find(" short_message=6869"), std::string::npos) << text;
  EXPECT_NE(text.find(" tlvs=[user_message_reference=0007]"), std::string::npos) << text;
}

TEST(pdu_to_string, prints_unknown_commands_and_statuses_as_hex) {
  EXPECT_EQ(to_string(make_pdu(unknown_pdu{command_id{0x200}, {0xab}}, 1, command_status{0x400})),
            "0x00000200 status=0x00000400 seq=1 body=ab");
  EXPECT_EQ(to_string(make_pdu(enquire_link{}, 2)), "enquire_link status=ESME_ROK seq=2");
}

TEST(c_octet_string, assign_refuses_too_long_text_and_embedded_nul) {
  c_octet_string<6> s = "CMT";
  EXPECT_TRUE(s.assign("12345"));
  EXPECT_FALSE(s.assign("123456"));
  EXPECT_EQ(s, "12345");
  EXPECT_FALSE(s.assign(std::string_view("a\0b", 3)));
  EXPECT_EQ(s.view(), "12345");
}

TEST(time_string, accepts_only_empty_or_16_characters) {
  time_string t;
  EXPECT_TRUE(t.assign(""));
  EXPECT_TRUE(t.assign("000001000000000R"));
  EXPECT_FALSE(t.assign("0000010000000R"));
  EXPECT_FALSE(t.assign("000001000000000R0"));
  EXPECT_EQ(t, "000001000000000R");
}

}  // namespace
}  // namespace smppd::smpp
