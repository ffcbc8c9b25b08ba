#include "server/authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "account/password.hpp"

namespace smppd::server {

authenticator::authenticator(core::account_store& accounts, bind_registry& registry)
    : accounts_(accounts), registry_(registry) {
  if (RAND_bytes(key_, sizeof key_) != 1)
    throw std::runtime_error("no random bytes for the bind cache");
}

std::string authenticator::password_mac(const std::string& system_id,
                                        const std::string& password) const {
  const std::string message = system_id + '\0' + password;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_, sizeof key_, reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

bind_outcome authenticator::authenticate(const bind_request& request, steady_time now,
                                         bool allow_slow_check) {
  using smpp::command_status;
  std::lock_guard lock(mutex_);
  bind_outcome outcome{command_status::esme_rok, {}, {}};
  const auto account = accounts_.find(request.system_id);
  if (!account) {
    outcome.status = command_status::esme_rinvsysid;
    return outcome;
  }
  const std::string mac = password_mac(request.system_id, request.password);
  const auto cached = cache_.find(request.system_id);
  const bool known_good = cached != cache_.end() &&
                          cached->second.password_hash == account->password_hash &&
                          cached->second.mac.size() == mac.size() &&
                          CRYPTO_memcmp(cached->second.mac.data(), mac.data(), mac.size()) == 0;
  if (!known_good) {
    if (!allow_slow_check) {
      outcome.status = command_status::esme_rbindfail;
      return outcome;
    }
    if (!account::verify_password(request.password, account->password_hash)) {
      outcome.status = command_status::esme_rinvpaswd;
      return outcome;
    }
    cache_[request.system_id] = verified{account->password_hash, mac};
  }
  if (!registry_.try_bind(account->system_id, account->max_binds, account->throughput, now)) {
    outcome.status = command_status::esme_rbindfail;
    return outcome;
  }
  outcome.allowed_classes = account->classes;
  outcome.policy.max_priority = account->max_priority;
  return outcome;
}

}  // namespace smppd::server
