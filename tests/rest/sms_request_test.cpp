#include "rest/sms_request.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smppd::rest {
namespace {

std::vector<sms_request> ok(const parse_result& r) {
  if (const auto* e = std::get_if<rest_error>(&r)) {
    ADD_FAILURE() << "error " << e->code << ": " << e->message;
    return {};
  }
  return std::get<std::vector<sms_request>>(r);
}

rest_error failed(const parse_result& r) {
  if (const auto* e = std::get_if<rest_error>(&r)) return *e;
  ADD_FAILURE() << "expected an error";
  return {};
}

TEST(SmsRequest, ReadsEveryFieldOfAnObject) {
  const auto r = ok(parse_json(R"({
    "sender": "ExampleSMS", "message": "Hello {world}",
    "recipients": [{"msisdn": 4512345678}, {"msisdn": "+4587654321"}],
    "class": "premium", "priority": "URGENT", "userref": "ref-1",
    "callback_url": "https://example.com/hook", "sendtime": 1900000000,
    "validity_period": 3600, "encoding": "UCS2", "destaddr": "DISPLAY", "label": "l",
    "max_parts": 3, "tags": ["a"]})"));
  ASSERT_EQ(r.size(), 1u);
  const auto& m = r[0];
  EXPECT_EQ(m.sender, "ExampleSMS");
  EXPECT_EQ(m.message, "Hello {world}");
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"4512345678", "4587654321"}));
  EXPECT_EQ(m.message_class, "premium");
  EXPECT_EQ(m.priority, 2);
  EXPECT_EQ(m.userref, "ref-1");
  EXPECT_EQ(m.callback_url, "https://example.com/hook");
  EXPECT_EQ(m.sendtime, 1900000000);
  EXPECT_EQ(m.validity_period, 3600u);
  EXPECT_EQ(m.encoding, text_encoding::ucs2);
  EXPECT_TRUE(m.flash);
  EXPECT_EQ(m.label, "l");
  EXPECT_EQ(m.max_parts, 3u);
}

TEST(SmsRequest, DefaultsAndArrays) {
  const auto r = ok(parse_json(
      R"([{"message": "a", "recipients": [{"msisdn": 1}]},
          {"message": "b", "recipients": [{"msisdn": 2}], "priority": "BULK"}])"));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].priority, 1);  // NORMAL
  EXPECT_EQ(r[0].encoding, text_encoding::utf8);
  EXPECT_FALSE(r[0].flash);
  EXPECT_EQ(r[0].max_parts, 255u);
  EXPECT_EQ(r[1].priority, 0);
}

TEST(SmsRequest, MissingParametersAre0x0222) {
  auto e = failed(parse_json(R"({"recipients": [{"msisdn": 1}]})"));
  EXPECT_EQ(e.code, "0x0222");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.variables, std::vector<std::string>{"message"});
  e = failed(parse_json(R"({"message": "x"})"));
  EXPECT_EQ(e.code, "0x0222");
  e = failed(parse_json(R"({"message": "x", "recipients": [{"number": 1}]})"));
  EXPECT_EQ(e.code, "0x0222");
  e = failed(parse_json(R"([{"message": "x", "recipients": [{"msisdn": 1}]}, {"message": "y"}])"));
  EXPECT_EQ(e.variables, std::vector<std::string>{"[1].recipients"});
}

TEST(SmsRequest, WrongTypesAndUnknownFieldsAre0x0220) {
  for (const char* body : {
           R"({"message": 5, "recipients": [{"msisdn": 1}]})",
           R"({"message": "x", "recipients": "4512345678"})",
           R"({"message": "x", "recipients": [{"msisdn": "12ab"}]})",
           R"({"message": "x", "recipients": [{"msisdn": 1234567890123456}]})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "sendtime": "soon"})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "sendtime": 99999999999999})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "validity_period": 59})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "max_parts": 0})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "encoding": "LATIN1"})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "destaddr": "SIM"})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "sender": "TwelveLetter"})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "callback_url": "ftp://x"})",
           R"({"message": "x", "recipients": [{"msisdn": 1}], "colour": "red"})",
           R"({"message": "x", "recipients": [{"msisdn": 1}]} trailing)",
           R"({"message": "x", )",
           R"(42)",
           R"([])",
       }) {
    const auto e = failed(parse_json(body));
    EXPECT_EQ(e.code, "0x0220") << body;
    EXPECT_EQ(e.http_status, 400) << body;
  }
}

TEST(SmsRequest, SenderOfFifteenDigitsOrElevenCharacters) {
  EXPECT_EQ(ok(parse_json(R"({"message": "x", "recipients": [{"msisdn": 1}],
                              "sender": "123456789012345"})"))
                .size(),
            1u);
  EXPECT_EQ(failed(parse_json(R"({"message": "x", "recipients": [{"msisdn": 1}],
                                  "sender": "1234567890123456"})"))
                .code,
            "0x0220");
}

TEST(SmsRequest, UnknownPriorityIs0x0311) {
  const auto e =
      failed(parse_json(R"({"message": "x", "recipients": [{"msisdn": 1}], "priority": "HIGH"})"));
  EXPECT_EQ(e.code, "0x0311");
  EXPECT_EQ(e.http_status, 422);
}

TEST(SmsRequest, PriorityByNameOrByItsNumber) {
  for (const auto& [given, want] : std::vector<std::pair<std::string, int>>{
           {R"("BULK")", 0}, {"1", 1}, {"3", 3}, {R"("2")", 2}, {R"("VERY_URGENT")", 3}}) {
    const auto r = ok(parse_json(R"({"message": "x", "recipients": [{"msisdn": 1}], "priority": )" +
                                 given + "}"));
    ASSERT_EQ(r.size(), 1u) << given;
    EXPECT_EQ(r[0].priority, want) << given;
  }
  for (const std::string given : {"4", "-1", R"("4")", R"("02")", "1.5"}) {
    const auto e = failed(parse_json(
        R"({"message": "x", "recipients": [{"msisdn": 1}], "priority": )" + given + "}"));
    EXPECT_TRUE(e.code == "0x0311" || e.code == "0x0220") << given << " " << e.code;
    EXPECT_GE(e.http_status, 400) << given;
  }
  const auto fields = parse_urlencoded("message=x&recipients.0.msisdn=4511&priority=3");
  ASSERT_TRUE(fields);
  EXPECT_EQ(ok(parse_fields(*fields))[0].priority, 3);
}

TEST(SmsRequest, DuplicateRecipientIs0x0310EvenAcrossTypes) {
  const auto e = failed(
      parse_json(R"({"message": "x", "recipients": [{"msisdn": 4512}, {"msisdn": "4512"}]})"));
  EXPECT_EQ(e.code, "0x0310");
  EXPECT_EQ(e.http_status, 422);
  EXPECT_EQ(e.variables, std::vector<std::string>{"4512"});
}

std::string recipients_json(std::size_t n) {
  std::string out = R"({"message": "x", "recipients": [)";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ",";
    out += R"({"msisdn": )" + std::to_string(4500000000 + i) + "}";
  }
  return out + "]}";
}

TEST(SmsRequest, AtMostTenThousandRecipients) {
  EXPECT_EQ(ok(parse_json(recipients_json(10000)))[0].recipients.size(), 10000u);
  const auto e = failed(parse_json(recipients_json(10001)));
  EXPECT_EQ(e.code, "0x0220");
  EXPECT_EQ(e.variables, std::vector<std::string>{"recipients"});
}

TEST(SmsRequest, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep(100000, '[');
  EXPECT_EQ(failed(parse_json(deep)).code, "0x0220");
}

TEST(SmsRequest, FormFieldsInGatewayApiStyle) {
  const auto fields = parse_urlencoded(
      "sender=Shop&message=Hello+w%C3%B8rld&recipients.1.msisdn=4522&recipients.0.msisdn=4511"
      "&priority=URGENT&sendtime=1900000000");
  ASSERT_TRUE(fields);
  const auto r = ok(parse_fields(*fields));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].message, "Hello w\xC3\xB8rld");
  EXPECT_EQ(r[0].recipients, (std::vector<std::string>{"4511", "4522"}));
  EXPECT_EQ(r[0].priority, 2);
  EXPECT_EQ(r[0].sendtime, 1900000000);
}

TEST(SmsRequest, FormCommaListOfRecipients) {
  const auto r = ok(parse_fields({{"message", "x"}, {"recipients", "4511,4522"}}));
  EXPECT_EQ(r[0].recipients, (std::vector<std::string>{"4511", "4522"}));
  EXPECT_EQ(failed(parse_fields({{"message", "x"}, {"recipients", "4511,4511"}})).code, "0x0310");
  EXPECT_EQ(failed(parse_fields({{"message", "x"}})).code, "0x0222");
  EXPECT_EQ(failed(parse_fields({{"message", "x"}, {"recipients.a.msisdn", "1"}})).code, "0x0220");
  EXPECT_EQ(
      failed(parse_fields(
                 {{"message", "x"}, {"recipients.0.msisdn", "1"}, {"recipients.0.msisdn", "2"}}))
          .code,
      "0x0220");
}

TEST(SmsRequest, MalformedPercentEscapes) {
  EXPECT_FALSE(parse_urlencoded("message=%G1"));
  EXPECT_FALSE(parse_urlencoded("message=%4"));
  EXPECT_TRUE(parse_urlencoded("a=&=b&&c"));
}

}  // namespace
}  // namespace smppd::rest
