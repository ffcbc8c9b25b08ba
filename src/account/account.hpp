#pragma once
// An ESME account: the credentials a client binds with and the limits the gateway applies.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smppd::account {

struct account {
  std::string system_id;      // SMPP system_id: 1..15 characters (C-octet string of 16)
  std::string password_hash;  // see password.hpp; the password itself is never stored
  std::uint32_t max_binds = 10;
  std::uint32_t throughput = 0;      // submit_sm per second; 0 = unlimited
  std::uint8_t max_priority = 3;     // priority_flag above this is overwritten with it
  std::vector<std::string> classes;  // message classes allowed in TLV 0x2900
  // HTTP (contract, "HTTP"); empty = none. Status changes of the account's messages are
  // POSTed to webhook_url, signed with webhook_secret (an HS256 JWT in X-Gwapi-Signature)
  // when it is set; MO messages go to mo_url instead of being queued for SMPP.
  std::string webhook_url;
  std::string webhook_secret;
  std::string mo_url;

  friend bool operator==(const account&, const account&) = default;
};

// The SMPP bind PDU bounds what can ever bind, so accounts are held to the same limits:
// system_id is a C-octet string of 16 (15 characters), password one of 9 (8 characters).
inline constexpr std::size_t max_system_id_length = 15;
inline constexpr std::size_t max_password_length = 8;

// Empty when valid, else a one-line reason.
std::string check_system_id(std::string_view system_id);
std::string check_password(std::string_view password);
// A webhook or MO URL: empty (none), or http:// or https:// and more, printable ASCII.
std::string check_webhook_url(std::string_view url);

}  // namespace smppd::account
