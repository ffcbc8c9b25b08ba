#pragma once
// Password hashing for accounts: salted scrypt, deliberately slow, compared in constant time.
// The encoded form carries its parameters ("scrypt$N$r$p$salt$hash", salt and hash in hex)
// so the cost can be raised later without invalidating stored hashes.

#include <cstdint>
#include <string>
#include <string_view>

namespace smppd::account {

struct scrypt_cost {
  std::uint64_t n = 1u << 14;  // the interactive-login parameters of the scrypt paper
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

std::string hash_password(std::string_view password, scrypt_cost cost = {});

// A new password of max_password_length characters from an alphabet without look-alikes
// (no 0/O, 1/l/I), for `serve`'s demo account and the admin API's resets.
std::string random_password();

// False for a wrong password and for a malformed stored hash; never throws.
bool verify_password(std::string_view password, std::string_view encoded_hash);

}  // namespace smppd::account
