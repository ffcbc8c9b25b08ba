#include "dlr/receipt.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace smppd::dlr {
namespace {

using namespace std::chrono;

wall_time at(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(receipt_format, prints_the_contract_text_exactly_for_a_delivered_message) {
  const auto r = make_receipt("1234567890123456789", at(2024, 3, 5, 14, 7), at(2024, 3, 5, 14, 8),
                              receipt_status::delivrd, 0, "order-42");
  EXPECT_EQ(format(r),
            "id:1234567890123456789 sub:001 dlvrd:001 submit date:2403051407 "
            "done date:2403051408 stat:DELIVRD err:000 text:order-42");
}

TEST(receipt_format, prints_dlvrd_000_and_the_error_for_an_undelivered_message) {
  const auto r = make_receipt("77", at(2025, 12, 31, 23, 59, 59), at(2026, 1, 1, 0, 0),
                              receipt_status::undeliv, 0x107E, "");
  EXPECT_EQ(format(r),
            "id:77 sub:001 dlvrd:000 submit date:2512312359 done date:2601010000 "
            "stat:UNDELIV err:126 text:");
}

TEST(receipt_format, cuts_the_reference_to_its_first_20_characters) {
  const auto r = make_receipt("1", at(2024, 1, 1, 0, 0), at(2024, 1, 1, 0, 0),
                              receipt_status::rejectd, 0x1013, "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(r.text, "abcdefghijklmnopqrst");
  EXPECT_EQ(format(r),
            "id:1 sub:001 dlvrd:000 submit date:2401010000 done date:2401010000 "
            "stat:REJECTD err:019 text:abcdefghijklmnopqrst");
}

TEST(receipt_format, prints_an_err_above_999_with_all_its_digits) {
  auto r = make_receipt("1", at(2024, 1, 1, 0, 0), at(2024, 1, 1, 0, 0), receipt_status::expired,
                        0x1902, "");
  EXPECT_EQ(r.err, 2306u);
  EXPECT_NE(format(r).find(" stat:EXPIRED err:2306 text:"), std::string::npos);
}

TEST(receipt_err, maps_gateway_codes_as_the_contract_examples_say) {
  EXPECT_EQ(err_from_gateway_error(0x107E), 126u);
  EXPECT_EQ(err_from_gateway_error(0x1013), 19u);
  EXPECT_EQ(err_from_gateway_error(0x1902), 2306u);
  EXPECT_EQ(err_from_gateway_error(0), 0u);
  EXPECT_EQ(gateway_error_from_err(126), 0x107Eu);
  EXPECT_EQ(gateway_error_from_err(0), 0u);
}

TEST(receipt_status_names, round_trip_and_map_to_message_state) {
  struct row {
    receipt_status s;
    const char* name;
    std::uint8_t state;
    bool final;
  };
  const row rows[] = {
      {receipt_status::enroute, "ENROUTE", 1, false},
      {receipt_status::delivrd, "DELIVRD", 2, true},
      {receipt_status::expired, "EXPIRED", 3, true},
      {receipt_status::deleted, "DELETED", 4, true},
      {receipt_status::undeliv, "UNDELIV", 5, true},
      {receipt_status::acceptd, "ACCEPTD", 6, true},
      {receipt_status::unknown, "UNKNOWN", 7, true},
      {receipt_status::rejectd, "REJECTD", 8, true},
      {receipt_status::buffered, "BUFFERD", 1, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(to_string(r.s), r.name);
    EXPECT_EQ(parse_status(r.name), r.s);
    EXPECT_EQ(message_state(r.s), r.state) << r.name;
    EXPECT_EQ(is_final(r.s), r.final) << r.name;
  }
  EXPECT_EQ(from_message_state(1), receipt_status::enroute);
  EXPECT_EQ(from_message_state(8), receipt_status::rejectd);
  EXPECT_EQ(from_message_state(0), std::nullopt);
  EXPECT_EQ(from_message_state(9), std::nullopt);
}

TEST(receipt_status_names, failure_is_a_final_state_other_than_delivrd_and_acceptd) {
  EXPECT_FALSE(is_failure(receipt_status::delivrd));
  EXPECT_FALSE(is_failure(receipt_status::acceptd));
  EXPECT_FALSE(is_failure(receipt_status::enroute));
  EXPECT_FALSE(is_failure(receipt_status::buffered));
  EXPECT_TRUE(is_failure(receipt_status::undeliv));
  EXPECT_TRUE(is_failure(receipt_status::expired));
  EXPECT_TRUE(is_failure(receipt_status::rejectd));
  EXPECT_TRUE(is_failure(receipt_status::unknown));
  EXPECT_TRUE(is_failure(receipt_status::deleted));
}

TEST(receipt_parse, reads_back_what_format_writes) {
  const auto r = make_receipt("987654321", at(2024, 2, 29, 9, 30), at(2024, 2, 29, 9, 31),
                              receipt_status::delivrd, 0, "ref 1");
  const auto parsed = parse(format(r));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, r);
}

TEST(receipt_parse, accepts_a_capitalised_text_key_and_a_text_with_spaces) {
  const auto r = parse(
      "id:1234567890 sub:001 dlvrd:001 submit date:1608011415 done date:1608011417 "
      "stat:DELIVRD err:000 Text:Hello big world");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "1234567890");
  EXPECT_EQ(r->text, "Hello big world");
  EXPECT_EQ(r->submit_date, at(2016, 8, 1, 14, 15));
  EXPECT_EQ(r->done_date, at(2016, 8, 1, 14, 17));
}

TEST(receipt_parse, accepts_a_12_digit_done_date_and_a_non_numeric_id) {
  const auto r = parse(
      "id:9c2f0d1e-77aa-4b1c-8e0f-3a5b6c7d8e9f sub:001 dlvrd:001 submit date:2302231414 "
      "done date:230223194211 stat:DELIVRD err:000 text:Hi");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "9c2f0d1e-77aa-4b1c-8e0f-3a5b6c7d8e9f");
  EXPECT_EQ(r->done_date, at(2023, 2, 23, 19, 42, 11));
}

TEST(receipt_parse, accepts_a_missing_text_field_and_upper_case_keys) {
  const auto r = parse(
      "ID:55 SUB:001 DLVRD:000 SUBMIT DATE:2401011200 DONE DATE:2401011201 "
      "STAT:undeliv ERR:054");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "55");
  EXPECT_EQ(r->stat, receipt_status::undeliv);
  EXPECT_EQ(r->err, 54u);
  EXPECT_EQ(r->text, "");
  EXPECT_EQ(r->done_date, at(2024, 1, 1, 12, 1));
}

TEST(receipt_parse, accepts_extra_spaces_underscored_dates_and_trailing_padding) {
  const auto r = parse(
      "  id:0000058049   sub:001 dlvrd:001 submit_date:1805170144 done_date:1805170144 "
      "stat: DELIVRD  err:000 text:none                \0\0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "0000058049");
  EXPECT_EQ(r->stat, receipt_status::delivrd);
  EXPECT_EQ(r->submit_date, at(2018, 5, 17, 1, 44));
  EXPECT_EQ(r->text, "none");
}

TEST(receipt_parse, accepts_an_empty_text_and_an_enroute_state) {
  const auto r = parse(
      "id:0512249005 sub:001 dlvrd:000 submit date:1609051327 "
      "done date:1609051337 stat:ENROUTE err:054 text:");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->stat, receipt_status::enroute);
  EXPECT_FALSE(is_final(r->stat));
  EXPECT_EQ(r->text, "");
}

TEST(receipt_parse, accepts_long_state_names_and_missing_dates) {
  const auto r = parse("id:abc stat:DELIVERED");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->stat, receipt_status::delivrd);
  EXPECT_EQ(r->submit_date, std::nullopt);
  EXPECT_EQ(r->sub, 1u);
  EXPECT_EQ(parse("id:abc stat:UNDELIVERABLE")->stat, receipt_status::undeliv);
  EXPECT_EQ(parse("id:abc stat:rejected")->stat, receipt_status::rejectd);
}

TEST(receipt_parse, keeps_an_unparsable_date_empty_instead_of_failing) {
  const auto r = parse("id:1 submit date:9913321299 done date:abc stat:EXPIRED err:000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->submit_date, std::nullopt);
  EXPECT_EQ(r->done_date, std::nullopt);
  EXPECT_EQ(r->stat, receipt_status::expired);
}

TEST(receipt_parse, rejects_text_without_id_or_state) {
  EXPECT_EQ(parse(""), std::nullopt);
  EXPECT_EQ(parse("Hello, this is an ordinary message"), std::nullopt);
  EXPECT_EQ(parse("id:1 sub:001 dlvrd:001"), std::nullopt);
  EXPECT_EQ(parse("stat:DELIVRD err:000"), std::nullopt);
  EXPECT_EQ(parse("id:1 stat:SOMETHING"), std::nullopt);
}

TEST(receipt_date, formats_utc_minutes_and_parses_10_or_12_digits) {
  EXPECT_EQ(format_date(at(2024, 7, 9, 8, 5, 59)), "2407090805");
  EXPECT_EQ(parse_date("2407090805"), at(2024, 7, 9, 8, 5));
  EXPECT_EQ(parse_date("240709080559"), at(2024, 7, 9, 8, 5, 59));
  EXPECT_EQ(parse_date("24070908"), std::nullopt);
  EXPECT_EQ(parse_date("2402300000"), std::nullopt);  // 30 February
  EXPECT_EQ(parse_date("2407092460"), std::nullopt);
}

}  // namespace
}  // namespace smppd::dlr

namespace smppd::dlr {
namespace {

TEST(receipt_parse_order, fields_after_text_are_read_and_text_stops_before_them) {
  const auto r =
      parse("stat:UNDELIV text:hello there Err:096 ID:0000655361 submit date:2611281200");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "0000655361");
  EXPECT_EQ(r->stat, receipt_status::undeliv);
  EXPECT_EQ(r->err, 96u);
  EXPECT_EQ(r->text, "hello there");
  EXPECT_TRUE(r->submit_date.has_value());
}

TEST(receipt_parse_order, a_field_already_read_inside_the_text_stays_text) {
  const auto r = parse("id:7 sub:001 dlvrd:001 stat:DELIVRD err:000 text:err:5 id:9");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "7");
  EXPECT_EQ(r->err, 0u);
  EXPECT_EQ(r->text, "err:5 id:9");
}

}  // namespace
}  // namespace smppd::dlr
