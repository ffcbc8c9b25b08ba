#include "rest/status_book.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace smppd::rest {
namespace {

message_status make(std::uint64_t id, wall_time at, std::size_t recipients) {
  message_status m{id, "acme", {}, {}, at};
  m.request.message = "hi";
  for (std::size_t i = 0; i < recipients; ++i)
    m.recipients.push_back({std::to_string(4500 + i), id + i, "ENROUTE", 0, {}});
  return m;
}

TEST(StatusBook, UpdatesARecipientAndAnswersInJson) {
  status_book book;
  const wall_time t{std::chrono::seconds(1000)};
  book.add(make(10, t, 2));
  book.update(10, 11, "UNDELIVERABLE", 0x107E, t + std::chrono::seconds(5));
  const auto found = book.find(10);
  ASSERT_TRUE(found);
  const auto j = nlohmann::json::parse(status_book::to_json(*found));
  EXPECT_EQ(j["id"], 10);
  ASSERT_EQ(j["recipients"].size(), 2u);
  EXPECT_EQ(j["recipients"][0]["dsnstatus"], "ENROUTE");
  EXPECT_TRUE(j["recipients"][0]["dsntime"].is_null());
  EXPECT_EQ(j["recipients"][1]["msisdn"], 4501);
  EXPECT_EQ(j["recipients"][1]["dsnstatus"], "UNDELIVERABLE");
  EXPECT_EQ(j["recipients"][1]["dsnerrorcode"], "0x107E");
  EXPECT_EQ(j["recipients"][1]["dsntime"], 1005);
  EXPECT_FALSE(book.find(11));
}

TEST(StatusBook, ForgetsTheOldestBeyondItsLimits) {
  status_book book(std::chrono::hours(1), 5);
  const wall_time t{std::chrono::hours(100)};
  book.add(make(1, t, 3));
  book.add(make(2, t, 2));
  EXPECT_TRUE(book.find(1));
  book.add(make(3, t, 1));  // 6 recipients: the oldest message goes
  EXPECT_FALSE(book.find(1));
  EXPECT_TRUE(book.find(2));
  book.add(make(4, t + std::chrono::hours(2), 1));  // the rest are older than an hour
  EXPECT_FALSE(book.find(2));
  EXPECT_FALSE(book.find(3));
  EXPECT_TRUE(book.find(4));
}

}  // namespace
}  // namespace smppd::rest
