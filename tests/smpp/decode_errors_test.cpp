// Every decode failure path with the exact status it answers with.

#include <gtest/gtest.h>

#include "smpp/codec.hpp"
#include "support/wire.hpp"

namespace smppd::smpp {
namespace {

using test::decode_failure;
using test::fix_length;
using test::wire;

// A valid submit_sm used as the base for corruptions; `body` replaces everything after the
// header and command_length is recomputed.
std::vector<std::uint8_t> submit_sm_frame(std::string_view body) {
  std::vector<std::uint8_t> frame = wire("00000000 00000004 00000000 0000002a");
  const std::vector<std::uint8_t> rest = wire(body);
  frame.insert(frame.end(), rest.begin(), rest.end());
  fix_length(frame);
  return frame;
}

constexpr std::string_view valid_submit_body =
    "00 | 01 | 01 | '4500' 00 | 01 | 01 | '4599' 00 | 00 | 00 | 00 | 00 | 00 | 01 | 00 | 00 "
    "| 00 | 02 'hi'";

TEST(submit_sm_decode, accepts_the_base_frame_used_by_these_tests) {
  decode_result r = decode(submit_sm_frame(valid_submit_body));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_if<submit_sm>()->short_message.view(), "hi");
}

TEST(decode, rejects_a_frame_shorter_than_the_header_and_closes) {
  const decode_error e = decode_failure(wire("00000008 00000015"));
  EXPECT_EQ(e.status, command_status::esme_rinvcmdlen);
  EXPECT_TRUE(e.close);
}

TEST(decode, rejects_command_length_disagreeing_with_the_frame_and_closes) {
  std::vector<std::uint8_t> frame = wire("00000011 00000015 00000000 00000003 00");
  frame[3] = 0x12;
  const decode_error e = decode_failure(frame);
  EXPECT_EQ(e.status, command_status::esme_rinvcmdlen);
  EXPECT_EQ(e.command_id, command_id::enquire_link);
  EXPECT_EQ(e.sequence_number, 3u);
  EXPECT_TRUE(e.close);
}

TEST(enquire_link_decode, rejects_a_body_with_rinvcmdlen_and_keeps_the_link) {
  const decode_error e = decode_failure(wire("00000011 00000015 00000000 00000003 00"));
  EXPECT_EQ(e.status, command_status::esme_rinvcmdlen);
  EXPECT_EQ(e.response_id(), command_id::enquire_link_resp);
  EXPECT_FALSE(e.close);
}

TEST(unbind_decode, rejects_a_body_with_rinvcmdlen) {
  EXPECT_EQ(decode_failure(wire("00000014 00000006 00000000 00000003 00000000")).status,
            command_status::esme_rinvcmdlen);
}

TEST(generic_nack_decode, rejects_a_body_and_answers_generic_nack) {
  const decode_error e = decode_failure(wire("00000011 80000000 00000003 00000003 00"));
  EXPECT_EQ(e.status, command_status::esme_rinvcmdlen);
  EXPECT_EQ(e.response_id(), command_id::generic_nack);
}

TEST(submit_sm_decode, rejects_trailing_bytes_that_are_not_a_tlv) {
  EXPECT_EQ(decode_failure(submit_sm_frame(std::string(valid_submit_body) + " 01")).status,
            command_status::esme_rinvoptparstream);
}

TEST(query_sm_decode, rejects_trailing_bytes_after_the_mandatory_body) {
  EXPECT_EQ(
      decode_failure(wire("0000001b 00000003 00000000 00000001 '42' 00 01 01 '4512' 00 ff")).status,
      command_status::esme_rinvcmdlen);
}

TEST(submit_sm_decode, rejects_a_body_cut_before_its_integers_with_rinvcmdlen) {
  EXPECT_EQ(decode_failure(submit_sm_frame("00")).status, command_status::esme_rinvcmdlen);
}

TEST(submit_sm_decode, rejects_an_empty_body) {
  EXPECT_EQ(decode_failure(submit_sm_frame("")).status, command_status::esme_rinvsertyp);
}

TEST(submit_sm_decode, rejects_source_addr_without_nul_with_rinvsrcadr) {
  const decode_error e = decode_failure(submit_sm_frame("00 01 01 '4500'"));
  EXPECT_EQ(e.status, command_status::esme_rinvsrcadr);
  EXPECT_EQ(e.command_id, command_id::submit_sm);
  EXPECT_EQ(e.sequence_number, 42u);
  EXPECT_EQ(e.response_id(), command_id::submit_sm_resp);
  EXPECT_FALSE(e.close);
  EXPECT_STREQ(e.field, "source_addr");
}

TEST(submit_sm_decode, rejects_destination_addr_without_nul_with_rinvdstadr) {
  EXPECT_EQ(decode_failure(submit_sm_frame("00 01 01 '4500' 00 01 01 '4599'")).status,
            command_status::esme_rinvdstadr);
}

TEST(submit_sm_decode, rejects_sm_length_running_past_the_pdu_with_rinvmsglen) {
  EXPECT_EQ(decode_failure(submit_sm_frame("00 | 01 | 01 | '4500' 00 | 01 | 01 | '4599' 00 | 00 "
                                           "| 00 | 00 | 00 | 00 | 01 | 00 | 00 | 00 | 03 'hi'"))
                .status,
            command_status::esme_rinvmsglen);
}

TEST(submit_sm_decode, rejects_sm_length_255_with_rinvmsglen) {
  std::string body =
      "00 | 01 | 01 | '4500' 00 | 01 | 01 | '4599' 00 | 00 | 00 | 00 | 00 | 00 "
      "| 01 | 00 | 00 | 00 | ff '";
  body += std::string(255, 'x') + "'";
  EXPECT_EQ(decode_failure(submit_sm_frame(body)).status, command_status::esme_rinvmsglen);
}

TEST(submit_sm_decode, rejects_a_missing_sm_length_with_rinvmsglen) {
  EXPECT_EQ(decode_failure(submit_sm_frame("00 | 01 | 01 | '4500' 00 | 01 | 01 | '4599' 00 | 00 "
                                           "| 00 | 00 | 00 | 00 | 01 | 00 | 00 | 00"))
                .status,
            command_status::esme_rinvmsglen);
}

TEST(submit_sm_decode, rejects_a_five_character_schedule_delivery_time_with_rinvsched) {
  EXPECT_EQ(decode_failure(submit_sm_frame("00 | 01 | 01 | '4500' 00 | 01 | 01 | '4599' 00 | 00 "
                                           "| 00 | 00 | '12345' 00 | 00 | 01 | 00 | 00 | 00 | 00"))
                .status,
            command_status::esme_rinvsched);
}

TEST(submit_sm_decode, rejects_a_five_character_validity_period_with_rinvexpiry) {
  EXPECT_EQ(decode_failure(submit_sm_frame("00 | 01 | 01 | '4500' 00 | 01 | 01 | '4599' 00 | 00 "
                                           "| 00 | 00 | 00 | '12345' 00 | 01 | 00 | 00 | 00 | 00"))
                .status,
            command_status::esme_rinvexpiry);
}

TEST(submit_sm_decode, rejects_a_truncated_tlv_header_with_rinvoptparstream) {
  EXPECT_EQ(decode_failure(submit_sm_frame(std::string(valid_submit_body) + " 0204 00")).status,
            command_status::esme_rinvoptparstream);
}

TEST(submit_sm_decode, rejects_a_tlv_length_past_the_end_with_rinvoptparstream) {
  EXPECT_EQ(
      decode_failure(submit_sm_frame(std::string(valid_submit_body) + " 0204 0003 0001")).status,
      command_status::esme_rinvoptparstream);
}

TEST(submit_sm_decode, rejects_a_standard_tlv_of_the_wrong_length_with_rinvparlen) {
  const decode_error e =
      decode_failure(submit_sm_frame(std::string(valid_submit_body) + " 0005 0002 0001"));
  EXPECT_EQ(e.status, command_status::esme_rinvparlen);
  EXPECT_FALSE(e.close);
}

TEST(submit_sm_decode, accepts_an_unknown_tlv_of_any_length) {
  decode_result r = decode(submit_sm_frame(std::string(valid_submit_body) + " 1401 0003 'abc'"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_if<submit_sm>()->tlvs.get_string(tlv_tag{0x1401}), "abc");
}

TEST(submit_sm_resp_decode, accepts_an_empty_body_when_the_status_is_an_error) {
  decode_result r = decode(wire("00000010 80000004 00000045 00000009"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->command_status, command_status::esme_rsubmitfail);
  EXPECT_EQ(*r->get_if<submit_sm_resp>(), submit_sm_resp{});
}

TEST(submit_sm_resp_decode, rejects_an_empty_body_when_the_status_is_ok) {
  const decode_error e = decode_failure(wire("00000010 80000004 00000000 00000009"));
  EXPECT_EQ(e.status, command_status::esme_rinvmsgid);
  EXPECT_EQ(e.response_id(), command_id::generic_nack);
}

TEST(deliver_sm_resp_decode, accepts_an_empty_body_with_status_ok) {
  decode_result r = decode(wire("00000010 80000005 00000000 00000009"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->get_if<deliver_sm_resp>()->message_id.empty());
}

TEST(submit_multi_decode, rejects_dest_flag_3_with_rinvdestflag) {
  EXPECT_EQ(decode_failure(wire("00000000 00000021 00000000 00000001 00 01 01 '45' 00 01 03") |
                           test::with_length)
                .status,
            command_status::esme_rinvdestflag);
}

TEST(submit_multi_decode, rejects_255_destinations_with_rinvnumdests) {
  EXPECT_EQ(decode_failure(wire("00000000 00000021 00000000 00000001 00 01 01 '45' 00 ff") |
                           test::with_length)
                .status,
            command_status::esme_rinvnumdests);
}

TEST(submit_multi_decode, rejects_a_dl_name_without_nul_with_rinvdlname) {
  EXPECT_EQ(decode_failure(wire("00000000 00000021 00000000 00000001 00 01 01 '45' 00 01 02 "
                                "'friends'") |
                           test::with_length)
                .status,
            command_status::esme_rinvdlname);
}

TEST(submit_multi_decode, rejects_a_destination_list_cut_short_with_rinvcmdlen) {
  EXPECT_EQ(decode_failure(wire("00000000 00000021 00000000 00000001 00 01 01 '45' 00 02 "
                                "01 01 01 '46' 00") |
                           test::with_length)
                .status,
            command_status::esme_rinvcmdlen);
}

TEST(decode, reports_an_unknown_command_id_as_an_unknown_body_not_an_error) {
  decode_result r = decode(wire("00000014 00000200 00000000 00000005 01020304"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->is_unknown());
  EXPECT_EQ(r->command_id(), command_id{0x200});
  EXPECT_EQ(r->get_if<unknown_pdu>()->body, (std::vector<std::uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(response_id(r->command_id()), command_id::generic_nack);
}

TEST(decode_error, encodes_its_answer_as_a_bare_header) {
  const decode_error e = decode_failure(submit_sm_frame("00 01 01 '4500'"));
  std::vector<std::uint8_t> out;
  encode_error_response(e, out);
  EXPECT_EQ(test::to_hex(out), test::to_hex(wire("00000010 80000004 0000000a 0000002a")));
}

}  // namespace
}  // namespace smppd::smpp
