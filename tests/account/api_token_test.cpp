#include "account/api_token.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "account/account.hpp"

namespace {

using namespace smppd::account;

bool base64url_alphabet_only(const std::string& text) {
  for (unsigned char c : text) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

TEST(api_token, a_secret_is_43_base64url_characters_without_padding) {
  for (int i = 0; i < 100; ++i) {  // '+', '/' and '=' would show up in 100 draws
    const auto secret = new_token_secret();
    ASSERT_EQ(secret.size(), 43u) << secret;
    ASSERT_TRUE(base64url_alphabet_only(secret)) << secret;
  }
}

TEST(api_token, secrets_and_ids_are_never_the_same_twice) {
  std::set<std::string> secrets, ids;
  for (int i = 0; i < 1000; ++i) {
    secrets.insert(new_token_secret());
    ids.insert(new_token_id());
  }
  EXPECT_EQ(secrets.size(), 1000u);
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(api_token, an_id_is_16_lowercase_hex_digits) {
  const auto id = new_token_id();
  ASSERT_EQ(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
}

TEST(api_token, the_hash_is_lowercase_hex_sha256) {
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_token(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(api_token, the_same_token_always_hashes_the_same_so_it_can_be_looked_up) {
  const auto secret = new_token_secret();
  EXPECT_EQ(hash_token(secret), hash_token(secret));
  EXPECT_NE(hash_token(secret), hash_token(secret + "x"));
}

TEST(webhook_url, empty_http_and_https_are_accepted) {
  EXPECT_EQ(check_webhook_url(""), "");
  EXPECT_EQ(check_webhook_url("http://example.com/hook"), "");
  EXPECT_EQ(check_webhook_url("https://example.com:8443/mo?x=1"), "");
}

TEST(webhook_url, other_schemes_a_bare_scheme_and_spaces_are_refused) {
  EXPECT_NE(check_webhook_url("ftp://example.com"), "");
  EXPECT_NE(check_webhook_url("example.com"), "");
  EXPECT_NE(check_webhook_url("HTTP://example.com"), "");  // the contract's prefixes, as written
  EXPECT_NE(check_webhook_url("https://"), "");
  EXPECT_NE(check_webhook_url("https://example.com/a b"), "");
}

}  // namespace
