#pragma once
// Checks bind credentials against the account store. Blocking (SQLite, scrypt): call it
// from the authentication thread pool, never from an io thread. A successful check is
// remembered (an HMAC of the password under a per-process random key, next to the stored
// hash it matched), so a client re-binding many sessions pays the slow hash once; a
// password change or removal invalidates it because the stored hash changes.

#include <map>
#include <mutex>
#include <string>

#include "core/account_store.hpp"
#include "server/bind_registry.hpp"
#include "server/session_core.hpp"

namespace smppd::server {

class authenticator {
 public:
  authenticator(core::account_store& accounts, bind_registry& registry);

  // ESME_RINVSYSID for an unknown system_id, ESME_RINVPASWD for a wrong password,
  // ESME_RBINDFAIL when the account has max_binds sessions already; ESME_ROK registers
  // the bind in the registry (the caller must unbind it when the session ends).
  // With allow_slow_check false (a bind storm is queued behind this one), a password not
  // already verified is refused with ESME_RBINDFAIL instead of paying the slow hash.
  bind_outcome authenticate(const bind_request& request, steady_time now,
                            bool allow_slow_check = true);

 private:
  std::string password_mac(const std::string& system_id, const std::string& password) const;

  core::account_store& accounts_;
  bind_registry& registry_;
  std::mutex mutex_;  // the store connection and the cache
  unsigned char key_[32];
  struct verified {
    std::string password_hash;
    std::string mac;
  };
  std::map<std::string, verified, std::less<>> cache_;
};

}  // namespace smppd::server
