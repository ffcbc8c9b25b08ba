#include "rest/webhook_body.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dlr/deliver.hpp"

namespace smppd::rest {
namespace {

using json = nlohmann::json;

TEST(WebhookBody, StatusInGatewayApiShape) {
  core::message_record m;
  m.id = 222;
  m.batch_id = 111;
  m.system_id = "acme";
  m.destination_addr = "4512345678";
  m.source_addr = "Shop";
  m.callback_url = "http://x/cb";
  m.userref = "order-7";
  const wall_time at{std::chrono::seconds(1'800'000'000)};
  const auto record = dlr::webhook_for(m, dlr::receipt_status::undeliv, 0x107E, at);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->webhook_url, "http://x/cb");
  const auto body = json::parse(webhook_body(*record));
  EXPECT_EQ(body["id"], 111);
  EXPECT_EQ(body["msisdn"], 4512345678);
  EXPECT_EQ(body["time"], 1'800'000'000);
  EXPECT_EQ(body["status"], "UNDELIVERABLE");
  EXPECT_EQ(body["code"], "0x107E");
  EXPECT_TRUE(body["error"].is_string());
  EXPECT_EQ(body["userref"], "order-7");
}

TEST(WebhookBody, NoCallbackNoWebhookAndNullsWhenFine) {
  core::message_record m;
  m.id = 5;
  m.destination_addr = "4511";
  EXPECT_FALSE(dlr::webhook_for(m, dlr::receipt_status::delivrd, 0, {}));
  m.callback_url = "http://x";
  const auto body =
      json::parse(webhook_body(*dlr::webhook_for(m, dlr::receipt_status::delivrd, 0, {})));
  EXPECT_EQ(body["id"], 5);  // no batch: its own id
  EXPECT_EQ(body["status"], "DELIVERED");
  EXPECT_TRUE(body["error"].is_null());
  EXPECT_TRUE(body["code"].is_null());
  EXPECT_TRUE(body["userref"].is_null());
}

TEST(WebhookBody, AnSmppMessagesReferenceIsItsUserref) {
  core::message_record m;
  m.id = 5;
  m.destination_addr = "4511";
  m.callback_url = "http://x";
  m.user_message_reference = {0x00, 0x07};  // a 2-octet integer, as its receipt prints it
  const auto body =
      json::parse(webhook_body(*dlr::webhook_for(m, dlr::receipt_status::delivrd, 0, {})));
  EXPECT_EQ(body["userref"], "7");
}

TEST(WebhookBody, AConcatenatedMoPartIsPostedWithoutItsHeader) {
  core::receipt_record mo;
  mo.esm_class = 0x40;
  mo.data_coding = 8;
  mo.source_addr = "4511";
  mo.destination_addr = "1919";
  mo.webhook_url = "http://x/mo";
  // UDH 05 00 03 ref total seq, then "Hi" in UCS-2.
  mo.text = std::string("\x05\x00\x03\x2A\x02\x01\x00H\x00i", 10);
  const auto body = json::parse(webhook_body(mo));
  EXPECT_EQ(body["message"], "Hi");
  EXPECT_EQ(body["encoding"], "UCS2");
}

TEST(WebhookBody, Mo) {
  core::receipt_record mo;
  mo.receipt_id = 9;
  mo.esm_class = 0;
  mo.source_addr = "4511";
  mo.destination_addr = "1919";
  mo.text = "Hi there";
  mo.data_coding = 0;
  mo.created_at = wall_time{std::chrono::seconds(1'800'000'001)};
  mo.webhook_url = "http://x/mo";
  const auto body = json::parse(webhook_body(mo));
  EXPECT_EQ(body["id"], 9);
  EXPECT_EQ(body["msisdn"], 4511);
  EXPECT_EQ(body["receiver"], 1919);
  EXPECT_EQ(body["message"], "Hi there");
  EXPECT_EQ(body["senttime"], 1'800'000'001);
  EXPECT_EQ(body["encoding"], "UTF8");
}

}  // namespace
}  // namespace smppd::rest
