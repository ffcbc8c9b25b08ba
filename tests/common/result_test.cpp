#include "common/result.hpp"

#include <gtest/gtest.h>

#include <ios>
#include <string>

namespace {

TEST(result, holds_a_value_and_no_error) {
  smppd::result<std::string> r = std::string("abc");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "abc");
  EXPECT_FALSE(r.error());
}

TEST(result, holds_an_error_and_no_value) {
  smppd::result<int> r = std::make_error_code(std::errc::invalid_argument);
  EXPECT_FALSE(r);
  EXPECT_EQ(r.error(), std::errc::invalid_argument);
}

TEST(result, accepts_error_code_enums_directly) {
  smppd::result<int> r = std::io_errc::stream;
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), std::io_errc::stream);
}

}  // namespace
