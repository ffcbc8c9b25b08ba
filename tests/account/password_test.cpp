#include "account/password.hpp"

#include <gtest/gtest.h>

#include "account/account.hpp"

namespace {

using namespace smppd::account;

constexpr scrypt_cost cheap{1u << 10, 8, 1};  // keeps the suite fast; the format is the same

TEST(password, verifies_the_right_password) {
  const auto hash = hash_password("s3cret", cheap);
  EXPECT_TRUE(verify_password("s3cret", hash));
}

TEST(password, rejects_a_wrong_password_and_a_prefix_of_the_right_one) {
  const auto hash = hash_password("s3cret", cheap);
  EXPECT_FALSE(verify_password("s3cre", hash));
  EXPECT_FALSE(verify_password("s3cret1", hash));
  EXPECT_FALSE(verify_password("", hash));
}

TEST(password, salts_every_hash) {
  EXPECT_NE(hash_password("same", cheap), hash_password("same", cheap));
}

TEST(password, default_cost_is_the_slow_one_and_is_recorded_in_the_hash) {
  const auto hash = hash_password("pw");
  EXPECT_EQ(hash.rfind("scrypt$16384$8$1$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password("pw", hash));
}

TEST(password, never_stores_the_password_itself) {
  const auto hash = hash_password("plainpw", cheap);
  EXPECT_EQ(hash.find("plainpw"), std::string::npos);
}

TEST(password, a_malformed_stored_hash_verifies_nothing) {
  EXPECT_FALSE(verify_password("pw", ""));
  EXPECT_FALSE(verify_password("pw", "scrypt$16384$8$1$zz$00"));
  EXPECT_FALSE(verify_password("pw", "bcrypt$1$2$3$00$00"));
  EXPECT_FALSE(verify_password("pw", "scrypt$16384$8$1$00"));
  EXPECT_FALSE(verify_password("pw", "scrypt$3$8$1$00$00"));  // N not a power of two
}

TEST(account_limits, system_id_of_15_characters_is_accepted_and_16_rejected) {
  EXPECT_EQ(check_system_id(std::string(15, 'a')), "");
  EXPECT_NE(check_system_id(std::string(16, 'a')), "");
  EXPECT_NE(check_system_id(""), "");
  EXPECT_NE(check_system_id("has space"), "");
}

TEST(account_limits, password_of_8_characters_is_accepted_and_9_rejected) {
  EXPECT_EQ(check_password(std::string(8, 'p')), "");
  EXPECT_NE(check_password(std::string(9, 'p')), "");
  EXPECT_NE(check_password(""), "");
}

}  // namespace
