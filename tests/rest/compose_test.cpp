#include "rest/compose.hpp"

#include <gtest/gtest.h>

#include "text/data_coding.hpp"

namespace smppd::rest {
namespace {

const std::vector<std::string> classes{"standard", "premium"};
const wall_time now{std::chrono::seconds(1'800'000'000)};

account_policy policy(std::uint8_t max_priority = 3) {
  return {"acme", classes, max_priority, "https://acme.example/hooks"};
}

sms_request request(std::string text) {
  sms_request r;
  r.message = std::move(text);
  r.recipients = {"4511", "4522"};
  return r;
}

std::vector<core::message_record> ok(const compose_result& r) {
  if (const auto* e = std::get_if<rest_error>(&r)) {
    ADD_FAILURE() << e->code << ": " << e->message;
    return {};
  }
  return std::get<std::vector<core::message_record>>(r);
}

TEST(Compose, OneRecordPerRecipientInGsm7WhenItFits) {
  const auto records = ok(compose(request("Hello {world}"), policy(), now));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].destination_addr, "4511");
  EXPECT_EQ(records[1].destination_addr, "4522");
  for (const auto& m : records) {
    EXPECT_EQ(m.system_id, "acme");
    EXPECT_EQ(m.data_coding, text::dcs::gsm7);
    EXPECT_EQ(m.payload.size(), 15u);  // { and } are escape pairs
    EXPECT_EQ(m.parts, 1);
    EXPECT_EQ(m.dest_addr_ton, 1);
    EXPECT_EQ(m.source_addr, "smppd");
    EXPECT_EQ(m.source_addr_ton, 5);
    EXPECT_EQ(m.priority, 1);
    EXPECT_EQ(m.callback_url, "https://acme.example/hooks");  // the account's
    EXPECT_EQ(m.registered_delivery, 0);
    EXPECT_EQ(m.submitted_at, now);
    EXPECT_FALSE(m.schedule_delivery_time);
  }
}

TEST(Compose, Ucs2WhenACharacterIsOutsideGsm7OrAskedFor) {
  auto records = ok(compose(request("Привет"), policy(), now));
  EXPECT_EQ(records[0].data_coding, text::dcs::ucs2);
  EXPECT_EQ(records[0].payload.size(), 12u);
  auto r = request("plain");
  r.encoding = text_encoding::ucs2;
  r.flash = true;
  records = ok(compose(r, policy(), now));
  EXPECT_EQ(records[0].data_coding, text::dcs::ucs2_flash);
  EXPECT_TRUE(records[0].flash);
}

TEST(Compose, ExtensionCharactersCountDoubleForParts) {
  // 80 euro signs are 160 septets: one message; 81 are two parts.
  std::string euros;
  for (int i = 0; i < 80; ++i) euros += "\xE2\x82\xAC";
  EXPECT_EQ(ok(compose(request(euros), policy(), now))[0].parts, 1);
  auto r = request(euros + "\xE2\x82\xAC");
  EXPECT_EQ(ok(compose(r, policy(), now))[0].parts, 2);
  r.max_parts = 1;
  const auto e = std::get<rest_error>(compose(r, policy(), now));
  EXPECT_EQ(e.code, "0x0220");
  EXPECT_EQ(e.variables, std::vector<std::string>{"message"});
}

TEST(Compose, ClassesAndPriorityCapAsForSmpp) {
  auto r = request("x");
  r.message_class = "secret";
  const auto e = std::get<rest_error>(compose(r, policy(), now));
  EXPECT_EQ(e.code, "0x0218");
  EXPECT_EQ(e.http_status, 422);
  r.message_class = "premium";
  r.priority = 3;
  const auto records = ok(compose(r, policy(1), now));
  EXPECT_EQ(records[0].message_class, "premium");
  EXPECT_EQ(records[0].requested_priority, 3);
  EXPECT_EQ(records[0].priority, 1);
}

TEST(Compose, TimesSenderAndCallback) {
  auto r = request("x");
  r.sendtime = 1'800'000'060;
  r.validity_period = 600;
  r.sender = "4512345678";
  r.callback_url = "http://mine.example/cb";
  r.userref = "u1";
  auto m = ok(compose(r, policy(), now))[0];
  EXPECT_EQ(m.schedule_delivery_time, now + std::chrono::seconds(60));
  EXPECT_EQ(m.validity_period, now + std::chrono::seconds(600));
  EXPECT_EQ(m.source_addr_ton, 1);
  EXPECT_EQ(m.callback_url, "http://mine.example/cb");
  EXPECT_EQ(m.userref, "u1");
  r.sendtime = 1'700'000'000;  // in the past: at once
  m = ok(compose(r, policy(), now))[0];
  EXPECT_FALSE(m.schedule_delivery_time);
}

TEST(Compose, InvalidUtf8IsRefused) {
  EXPECT_EQ(std::get<rest_error>(compose(request("\xFF\xFE"), policy(), now)).code, "0x0220");
}

}  // namespace
}  // namespace smppd::rest
