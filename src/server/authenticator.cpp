#include "server/authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "account/password.hpp"

namespace smppd::server {
namespace {

using smpp::command_status;

bool same_mac(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bind_outcome refused(command_status status) { return bind_outcome{status, {}, {}, {}}; }

}  // namespace

authenticator::authenticator(core::account_store& accounts, bind_registry& registry,
                             authenticator_settings settings, std::function<void(job)> run_slow,
                             std::shared_ptr<spdlog::logger> log,
                             std::function<steady_time()> clock)
    : accounts_(accounts),
      registry_(registry),
      settings_(settings),
      run_slow_(std::move(run_slow)),
      log_(std::move(log)),
      clock_(std::move(clock)),
      guard_(settings.guard) {
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

authenticator::remembered& authenticator::memory_for(const account::account& account) {
  auto& m = memory_[account.system_id];
  if (m.password_hash != account.password_hash) m = remembered{account.password_hash, {}, {}};
  return m;
}

bind_outcome authenticator::try_bind(const account::account& account, steady_time now) {
  if (!registry_.try_bind(account.system_id, account.max_binds, account.throughput, now)) {
    return refused(command_status::esme_rbindfail);
  }
  bind_outcome outcome{command_status::esme_rok, {}, account.classes, account.webhook_url};
  outcome.policy.max_priority = account.max_priority;
  return outcome;
}

void authenticator::note_failure(std::string_view address, std::string_view system_id,
                                 steady_time now) {
  const auto effect = guard_.failed(address, system_id, now);
  counters_.lockouts = guard_.lockouts();
  if (!log_) return;
  // Once per lockout, not once per refused bind.
  if (effect.address_locked) {
    log_->warn("binds from {}: {} failed, locked out for {} s (ESME_RBINDFAIL without a check)",
               address, settings_.guard.lockout_after, settings_.guard.lockout.count());
  }
  if (effect.system_id_locked) {
    log_->warn("binds as {}: {} failed, locked out for {} s (ESME_RBINDFAIL without a check)",
               system_id, settings_.guard.lockout_after, settings_.guard.lockout.count());
  }
}

std::optional<account::account> authenticator::find_account(std::string_view system_id,
                                                            bool& failed) {
  try {
    return accounts_.find(system_id);
  } catch (const std::exception&) {
    // The store is unreachable (PostgreSQL down): ESME_RSYSERR, and the client retries.
    failed = true;
    return std::nullopt;
  }
}

void authenticator::authenticate(const bind_request& request, std::string_view peer_address,
                                 steady_time now, done_fn done) {
  bind_outcome outcome;
  std::shared_ptr<check> start;
  bool store_failed = false;
  const std::string mac = password_mac(request.system_id, request.password);
  const auto is_known_wrong = [&](const remembered& memory) {
    return std::any_of(memory.wrong_macs.begin(), memory.wrong_macs.end(),
                       [&](const std::string& wrong) { return same_mac(wrong, mac); });
  };
  {
    std::lock_guard lock(mutex_);
    if (guard_.address_blocked(peer_address, now)) {
      // A locked-out guesser costs no store lookup either: the answer comes from memory
      // (against the stored hash as last seen; after a password change in between, a
      // formerly wrong password is still refused, which a lockout does anyway).
      const auto memory = memory_.find(request.system_id);
      if (memory != memory_.end() && is_known_wrong(memory->second)) {
        ++counters_.known_wrong;
        outcome = refused(command_status::esme_rinvpaswd);
      } else {
        ++counters_.refused_blocked;
        outcome = refused(command_status::esme_rbindfail);
      }
    } else if (const auto account = find_account(request.system_id, store_failed); !account) {
      // Not counted as a failure: it costs no hash, and a client misconfigured with an
      // unknown system_id must not lock out the other clients behind its address.
      outcome =
          refused(store_failed ? command_status::esme_rsyserr : command_status::esme_rinvsysid);
    } else {
      auto& memory = memory_for(*account);
      if (is_known_wrong(memory)) {
        // Nothing new for a guesser, so no check and no throttle: the contract's status.
        ++counters_.known_wrong;
        outcome = refused(command_status::esme_rinvpaswd);
      } else if (guard_.system_id_blocked(request.system_id, now)) {
        // Before the remembered right password too: else a guesser would learn at HMAC
        // speed whether a guess is the password.
        ++counters_.refused_blocked;
        outcome = refused(command_status::esme_rbindfail);
      } else if (same_mac(memory.good_mac, mac)) {
        outcome = try_bind(*account, now);
      } else if (const auto running = checking_.find(request.system_id);
                 running != checking_.end()) {
        if (same_mac(running->second->mac, mac)) {
          running->second->waiters.push_back({request, std::move(done)});
          return;  // answered with the check under way
        }
        ++counters_.refused_busy;  // one account, two passwords at once: a guesser
        outcome = refused(command_status::esme_rbindfail);
      } else if (checks_ >= settings_.max_checks || !guard_.try_begin_check(peer_address)) {
        ++counters_.refused_busy;
        outcome = refused(command_status::esme_rbindfail);
      } else {
        start = std::make_shared<check>(
            check{request.system_id, std::string(peer_address), mac, *account, {}});
        start->waiters.push_back({request, std::move(done)});
        checking_.emplace(request.system_id, start);
        ++checks_;
        ++counters_.slow_checks;
      }
    }
  }
  if (start) {
    run_slow_([this, start, password = request.password] {
      finish(start, account::verify_password(password, start->account.password_hash));
    });
    return;
  }
  // NOLINTNEXTLINE(bugprone-use-after-move): moved only on the paths that returned above
  done(outcome);
}

void authenticator::finish(const std::shared_ptr<check>& c, bool right) {
  std::vector<std::pair<done_fn, bind_outcome>> answers;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    checking_.erase(c->system_id);
    --checks_;
    guard_.end_check(c->address);
    auto& memory = memory_for(c->account);
    if (right) {
      memory.good_mac = c->mac;
      guard_.succeeded(c->system_id);
    } else {
      memory.wrong_macs.push_back(c->mac);
      if (memory.wrong_macs.size() > settings_.remembered_wrong) memory.wrong_macs.pop_front();
      note_failure(c->address, c->system_id, now);
    }
    for (auto& w : c->waiters) {
      answers.emplace_back(std::move(w.done), right ? try_bind(c->account, now)
                                                    : refused(command_status::esme_rinvpaswd));
    }
  }
  for (auto& [done, outcome] : answers) done(outcome);
}

authenticator_counters authenticator::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace smppd::server
