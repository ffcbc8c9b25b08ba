#include "carrier/upstream_report.hpp"

#include <gtest/gtest.h>

namespace smppd::carrier {
namespace {

using dlr::receipt_status;
using smpp::command_status;

smpp::pdu deliver(std::uint8_t esm_class, std::string_view text) {
  smpp::deliver_sm d;
  d.esm_class = esm_class;
  d.short_message.assign(text);
  return smpp::make_pdu(d, 1);
}

upstream_receipt receipt_of(const smpp::pdu& p) {
  const auto r = classify_upstream(p);
  EXPECT_TRUE(std::holds_alternative<upstream_receipt>(r));
  return std::holds_alternative<upstream_receipt>(r) ? std::get<upstream_receipt>(r)
                                                     : upstream_receipt{};
}

TEST(upstream_report, reads_a_receipt_text_with_fields_in_any_order_and_case) {
  const auto r =
      receipt_of(deliver(0x04,
                         "STAT:UNDELIV Err:096 text:hello id:0000655361 sub:001 dlvrd:000 "
                         "submit date:2611281200 done date:2611281201"));
  EXPECT_EQ(r.id, "0000655361");
  EXPECT_EQ(r.status, receipt_status::undeliv);
  EXPECT_EQ(r.gateway_error, 0x1060u);  // err 096 is 0x1060 & 0xFFF
}

TEST(upstream_report, tlvs_win_over_the_text) {
  auto p = deliver(0x04, "id:1 stat:DELIVRD err:000");
  auto& d = *p.get_if<smpp::deliver_sm>();
  d.tlvs.set_string(smpp::tlv_tag::receipted_message_id, "ABC");
  d.tlvs.set_u8(smpp::tlv_tag::message_state, 5);
  d.tlvs.set(smpp::tlv_tag::network_error_code, std::vector<std::uint8_t>{3, 0x00, 0x7E});
  const auto r = receipt_of(p);
  EXPECT_EQ(r.id, "ABC");
  EXPECT_EQ(r.status, receipt_status::undeliv);
  EXPECT_EQ(r.gateway_error, 0x107Eu);
}

TEST(upstream_report, a_receipted_message_id_alone_makes_a_receipt) {
  auto p = deliver(0x00, "");
  auto& d = *p.get_if<smpp::deliver_sm>();
  d.tlvs.set_string(smpp::tlv_tag::receipted_message_id, "77");
  d.tlvs.set_u8(smpp::tlv_tag::message_state, 2);
  EXPECT_EQ(receipt_of(p).status, receipt_status::delivrd);
}

TEST(upstream_report, data_sm_receipts_read_their_text_from_message_payload) {
  smpp::data_sm d;
  d.esm_class = 0x04;
  const std::string text = "id:42 stat:EXPIRED err:000";
  d.tlvs.set(smpp::tlv_tag::message_payload,
             std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  const auto r = receipt_of(smpp::make_pdu(d, 9));
  EXPECT_EQ(r.id, "42");
  EXPECT_EQ(r.status, receipt_status::expired);
}

TEST(upstream_report, mo_and_unreadable_receipts_are_told_apart) {
  EXPECT_TRUE(std::holds_alternative<not_a_receipt>(classify_upstream(deliver(0x00, "hi"))));
  EXPECT_TRUE(std::holds_alternative<not_a_receipt>(classify_upstream(deliver(0x40, "\x05"))));
  EXPECT_TRUE(
      std::holds_alternative<unreadable_receipt>(classify_upstream(deliver(0x04, "no fields"))));
  EXPECT_TRUE(std::holds_alternative<unreadable_receipt>(
      classify_upstream(deliver(0x04, "id:5 stat:WHATEVER"))));
}

TEST(upstream_report, unknown_network_errors_are_0x1001) {
  EXPECT_EQ(gateway_error_for_network_error(0), 0u);
  EXPECT_EQ(gateway_error_for_network_error(0x7E), 0x107Eu);
  EXPECT_EQ(gateway_error_for_network_error(0x60), 0x1060u);
  EXPECT_EQ(gateway_error_for_network_error(1), 0x1001u);
  EXPECT_EQ(gateway_error_for_network_error(0x55), 0x1001u);
  EXPECT_EQ(gateway_error_for_network_error(0x2000), 0x1001u);
}

bool matches(std::string_view sent, std::string_view in_receipt) {
  const auto key = canonical_upstream_id(sent);
  const auto candidates = upstream_id_candidates(in_receipt);
  return std::find(candidates.begin(), candidates.end(), key) != candidates.end();
}

TEST(upstream_id, matches_across_case_leading_zeros_and_bases) {
  EXPECT_TRUE(matches("ABC", "0000abc"));
  EXPECT_TRUE(matches("abc", "2748"));  // hex out, decimal back
  EXPECT_TRUE(matches("2748", "ABC"));  // decimal out, hex back
  EXPECT_TRUE(matches("A0001", "0000655361"));
  EXPECT_TRUE(matches("000", "0"));
  EXPECT_TRUE(matches("id-7f", std::string_view("ID-7F\0", 6)));  // not a number: case only
  EXPECT_FALSE(matches("abc", "abd"));
  EXPECT_FALSE(matches("2749", "ABC"));
}

TEST(upstream_id, ids_beyond_64_bits_only_match_themselves) {
  const std::string big = "123456789012345678901234567890";
  EXPECT_TRUE(matches(big, big));
  EXPECT_EQ(upstream_id_candidates(big).size(), 1u);
  EXPECT_EQ(upstream_id_candidates("ffffffffffffffffff").size(), 1u);
}

TEST(upstream_id, candidates_come_without_duplicates) {
  EXPECT_EQ(upstream_id_candidates("7"), std::vector<std::string>{"7"});
  EXPECT_EQ(upstream_id_candidates("10"), (std::vector<std::string>{"10", "a", "16"}));
}

TEST(submit_status, temporary_ones_are_the_contracts_four) {
  for (auto s : {command_status::esme_rthrottled, command_status::esme_rmsgqful,
                 command_status::esme_rsyserr, command_status::esme_rx_t_appn}) {
    EXPECT_EQ(classify_submit_status(s), failure_kind::temporary) << smpp::name(s);
  }
  for (auto s : {command_status::esme_rinvdstadr, command_status::esme_rx_p_appn,
                 command_status::esme_rsubmitfail, command_status::esme_rinvsrcadr}) {
    EXPECT_EQ(classify_submit_status(s), failure_kind::permanent) << smpp::name(s);
  }
}

TEST(submit_status, maps_to_gateway_error_codes) {
  EXPECT_EQ(gateway_error_for_submit_status(command_status::esme_rinvdstadr), 0x1060u);
  EXPECT_EQ(gateway_error_for_submit_status(command_status::esme_rinvsrcadr), 0x1008u);
  EXPECT_EQ(gateway_error_for_submit_status(command_status::esme_rsubmitfail), 0x107Eu);
  EXPECT_EQ(gateway_error_for_submit_status(command_status::esme_runknownerr), 0x107Eu);
}

}  // namespace
}  // namespace smppd::carrier
