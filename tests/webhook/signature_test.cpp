#include "webhook/signature.hpp"

#include <gtest/gtest.h>

#include "python_jwt.hpp"
#include "support/hex.hpp"

namespace smppd::webhook {
namespace {

TEST(base64url, encodes_without_padding_with_url_safe_digits) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("\xfb\xff\xbf"), "-_-_");  // "+/+/" in plain base64
}

// RFC 7515 Appendix A.1: the JWS with HMAC SHA-256, with the example's exact bytes (line
// breaks included) and its 64-byte key (the JWK "k" decoded).
TEST(sign_hs256, reproduces_rfc_7515_appendix_a1) {
  const auto key = test_support::from_hex(
      "0323354b2b0fa5bc837e0665777ba68f5ab328e6f054c928a90f84b2d2502ebf"
      "d3fb5a92d20647ef968ab4c377623d223d2e2172052e4f08c0cd9af567d080a3");
  const std::string secret(key.begin(), key.end());
  const std::string header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
  const std::string payload =
      "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
  EXPECT_EQ(sign_hs256(header, payload, secret),
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19y"
            "b290Ijp0cnVlfQ"
            ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST(sign_hs256, puts_the_hs256_header_and_the_claims_in_the_token) {
  const auto token = sign_hs256(nlohmann::json{{"id", 7}, {"status", "DELIVERED"}}, "s3cret");
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  ASSERT_NE(second_dot, std::string::npos);
  EXPECT_EQ(token.substr(0, first_dot), base64url(R"({"alg":"HS256","typ":"JWT"})"));
  EXPECT_EQ(token.substr(first_dot + 1, second_dot - first_dot - 1),
            base64url(R"({"id":7,"status":"DELIVERED"})"));
  EXPECT_EQ(token.size() - second_dot - 1, 43u);  // 32 bytes of HMAC, unpadded
}

TEST(sign_hs256, changes_with_the_secret) {
  const nlohmann::json claims{{"id", 1}};
  EXPECT_NE(sign_hs256(claims, "one"), sign_hs256(claims, "two"));
  EXPECT_EQ(sign_hs256(claims, "one"), sign_hs256(claims, "one"));
}

TEST(sign_hs256, verifies_with_pyjwt) {
  if (!testing::python_jwt_available()) GTEST_SKIP() << "/usr/bin/python3 has no jwt module";
  const nlohmann::json claims{{"id", "1a2b"},          {"msisdn", 4512345678},
                              {"status", "DELIVERED"}, {"userref", "r\u00e9f"},
                              {"error", nullptr},      {"code", 0}};
  const std::string secret = "a webhook secret";
  const auto token = sign_hs256(claims, secret);
  const auto decoded = testing::python_jwt_decode(token, secret);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(nlohmann::json::parse(*decoded), claims);
  EXPECT_FALSE(testing::python_jwt_decode(token, "another secret").has_value());
}

}  // namespace
}  // namespace smppd::webhook
