#include "text/errc.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/result.hpp"

namespace smppd::text {
namespace {

TEST(errc, is_an_error_code_enum_in_its_own_category) {
  const std::error_code e = errc::lone_surrogate;
  EXPECT_EQ(e.category(), text_category());
  EXPECT_STREQ(e.category().name(), "smppd.text");
  EXPECT_EQ(e, errc::lone_surrogate);
  EXPECT_NE(e, errc::odd_length);
  EXPECT_TRUE(static_cast<bool>(e));
}

TEST(errc, has_a_distinct_message_for_every_value) {
  std::set<std::string> messages;
  for (int v = static_cast<int>(errc::octet_out_of_range);
       v <= static_cast<int>(errc::invalid_concat_element); ++v) {
    messages.insert(make_error_code(static_cast<errc>(v)).message());
  }
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(errc::invalid_concat_element));
  EXPECT_EQ(messages.count("unknown text error"), 0u);
}

TEST(errc, converts_into_a_status) {
  const status s = errc::odd_length;
  EXPECT_FALSE(s);
  EXPECT_EQ(s.error(), errc::odd_length);
}

}  // namespace
}  // namespace smppd::text
