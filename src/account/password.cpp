#include "account/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "account/account.hpp"
#include "common/hex.hpp"

namespace smppd::account {
namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr std::uint64_t scrypt_max_memory = 256u * 1024 * 1024;

bool from_hex(std::string_view hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc{} || end != hex.data() + i + 2) return false;
    out.push_back(static_cast<unsigned char>(value));
  }
  return true;
}

bool derive(std::string_view password, const unsigned char* salt, std::size_t salt_size,
            const scrypt_cost& cost, unsigned char* out, std::size_t out_size) {
  return EVP_PBE_scrypt(password.data(), password.size(), salt, salt_size, cost.n, cost.r, cost.p,
                        scrypt_max_memory, out, out_size) == 1;
}

template <class Unsigned>
bool parse_number(std::string_view text, Unsigned& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string hash_password(std::string_view password, scrypt_cost cost) {
  std::array<unsigned char, salt_bytes> salt{};
  std::array<unsigned char, hash_bytes> hash{};
  if (RAND_bytes(salt.data(), salt.size()) != 1) throw std::runtime_error("no random bytes");
  if (!derive(password, salt.data(), salt.size(), cost, hash.data(), hash.size())) {
    throw std::runtime_error("scrypt failed");
  }
  return "scrypt$" + std::to_string(cost.n) + "$" + std::to_string(cost.r) + "$" +
         std::to_string(cost.p) + "$" + to_hex(salt.data(), salt.size()) + "$" +
         to_hex(hash.data(), hash.size());
}

std::string random_password() {
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char bytes[max_password_length];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes");
  std::string out;
  for (unsigned char b : bytes) out.push_back(alphabet[b % (sizeof alphabet - 1)]);
  return out;
}

bool verify_password(std::string_view password, std::string_view encoded_hash) {
  std::array<std::string_view, 6> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::size_t end =
        i + 1 < parts.size() ? encoded_hash.find('$', start) : encoded_hash.size();
    if (end == std::string_view::npos) return false;
    parts[i] = encoded_hash.substr(start, end - start);
    start = end + 1;
  }
  scrypt_cost cost;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> expected;
  if (parts[0] != "scrypt" || !parse_number(parts[1], cost.n) || !parse_number(parts[2], cost.r) ||
      !parse_number(parts[3], cost.p) || !from_hex(parts[4], salt) ||
      !from_hex(parts[5], expected) || expected.empty()) {
    return false;
  }
  std::vector<unsigned char> actual(expected.size());
  if (!derive(password, salt.data(), salt.size(), cost, actual.data(), actual.size())) {
    return false;
  }
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

}  // namespace smppd::account
