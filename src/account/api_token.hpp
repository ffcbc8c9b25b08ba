#pragma once
// API tokens for the REST API (contract, "HTTP"): a token acts as its account. The token
// itself is shown once, when created; only its SHA-256 is stored.

#include <cstdint>
#include <string>
#include <string_view>

namespace smppd::account {

struct api_token {
  std::string id;         // new_token_id(): how `token list` and `token remove` name it
  std::string system_id;  // the account it acts as
  std::string label;      // free text from `token add --label`
  std::string hash;       // hash_token(token)
  std::int64_t created_at_unix = 0;

  friend bool operator==(const api_token&, const api_token&) = default;
};

// 32 random bytes (OpenSSL RAND_bytes), base64url without padding: 43 characters of
// [A-Za-z0-9_-], so the token is safe as an HTTP Basic user name and in a query string.
std::string new_token_secret();
// 8 random bytes as 16 lowercase hex digits.
std::string new_token_id();
// Lowercase hex SHA-256 of the token: 64 characters.
//
// Why a fast hash and not scrypt like passwords: a token carries 256 bits from a CSPRNG, so
// nobody can guess it from its hash however fast the hash is; a slow, salted hash only
// protects low-entropy secrets chosen by people. Without a salt the hash is deterministic,
// which lets the store look a token up by its hash (a unique index) instead of comparing
// against every token.
std::string hash_token(std::string_view token);

}  // namespace smppd::account
