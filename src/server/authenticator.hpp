#pragma once
// Checks bind credentials against the account store, in two stages so that one account's
// guesser cannot slow another account's binds:
//  1. authenticate(), on the check thread: the account lookup and everything decided
//     without the slow hash: an unknown system_id, a password remembered as right or as
//     wrong (an HMAC of it under a per-process random key, next to the stored hash it was
//     checked against, so a password change forgets both), the failed-bind throttle
//     (bind_guard), and the limits on slow checks in flight: one per system_id (a bind
//     with the same password waits for it, another is refused), max_checks_per_address
//     per peer address, max_checks in all. Refusals here are ESME_RBINDFAIL at once,
//     never a place in a queue.
//  2. the scrypt check, handed to `run_slow` (the hashing threads); its verdict answers
//     every bind waiting for it, is remembered, and feeds the throttle.

#include <spdlog/logger.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/account_store.hpp"
#include "server/bind_guard.hpp"
#include "server/bind_registry.hpp"
#include "server/session_core.hpp"

namespace smppd::server {

struct authenticator_settings {
  bind_guard_settings guard;
  std::uint32_t max_checks = 256;    // slow checks in flight or queued, all peers together
  std::size_t remembered_wrong = 8;  // wrong passwords remembered per account
};

// What the authenticator has done since it started (for the log now, /metrics later).
struct authenticator_counters {
  std::uint64_t slow_checks = 0;      // scrypt verifications run
  std::uint64_t known_wrong = 0;      // wrong passwords answered from memory
  std::uint64_t refused_blocked = 0;  // refused: address or system_id delayed or locked out
  std::uint64_t refused_busy = 0;     // refused: too many slow checks in flight
  std::uint64_t lockouts = 0;         // lockouts begun (addresses and system_ids)
};

class authenticator {
 public:
  using done_fn = std::function<void(const bind_outcome&)>;
  using job = std::function<void()>;

  // `run_slow` runs a job on the hashing threads (tests: at once, or later by hand);
  // `clock` gives the time when a slow check ends. `log` may be null.
  authenticator(
      core::account_store& accounts, bind_registry& registry, authenticator_settings settings,
      std::function<void(job)> run_slow, std::shared_ptr<spdlog::logger> log = nullptr,
      std::function<steady_time()> clock = [] { return std::chrono::steady_clock::now(); });

  // Blocking (SQLite): call it from the check thread, never from an io thread. `done` is
  // called once, before this returns or later from the hashing threads, with
  // ESME_RINVSYSID for an unknown system_id, ESME_RINVPASWD for a wrong password,
  // ESME_RBINDFAIL when the account has max_binds sessions already or the bind was
  // refused without a check (throttled, locked out, too many checks in flight); ESME_ROK
  // registers the bind in the registry (the caller must unbind it when the session ends).
  void authenticate(const bind_request& request, std::string_view peer_address, steady_time now,
                    done_fn done);

  authenticator_counters counters() const;

 private:
  // The account, or nullopt; `failed` set when the store could not be asked.
  std::optional<account::account> find_account(std::string_view system_id, bool& failed);
  struct remembered {
    std::string password_hash;  // the stored hash the verdicts were reached against
    std::string good_mac;       // empty: none
    std::deque<std::string> wrong_macs;
  };
  struct waiter {
    bind_request request;
    done_fn done;
  };
  // One slow check of one system_id's password, and the binds waiting for its verdict.
  struct check {
    std::string system_id;
    std::string address;
    std::string mac;
    account::account account;
    std::vector<waiter> waiters;
  };

  std::string password_mac(const std::string& system_id, const std::string& password) const;
  remembered& memory_for(const account::account& account);                  // under mutex_
  bind_outcome try_bind(const account::account& account, steady_time now);  // under mutex_
  void finish(const std::shared_ptr<check>& c, bool right);
  void note_failure(std::string_view address, std::string_view system_id, steady_time now);

  core::account_store& accounts_;
  bind_registry& registry_;
  authenticator_settings settings_;
  std::function<void(job)> run_slow_;
  std::shared_ptr<spdlog::logger> log_;
  std::function<steady_time()> clock_;
  unsigned char key_[32];

  mutable std::mutex mutex_;  // the store connection and everything below
  bind_guard guard_;
  std::map<std::string, remembered, std::less<>> memory_;
  std::map<std::string, std::shared_ptr<check>, std::less<>> checking_;  // by system_id
  std::uint32_t checks_ = 0;
  authenticator_counters counters_;
};

}  // namespace smppd::server
