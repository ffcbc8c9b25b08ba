// Bind credentials against an in-memory account store: the statuses of the contract, the
// remembered right and wrong passwords, the limits on slow checks (one per system_id, so
// a guesser cannot queue hashes ahead of other accounts) and the failed-bind throttle.
// Slow checks run when the test says so, on the test's clock.
#include "server/authenticator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "account/password.hpp"
#include "support/test_time.hpp"

namespace {

using smppd::steady_time;
using smppd::smpp::command_status;
using namespace smppd::server;

using smppd::test_support::t0;

class memory_accounts final : public smppd::core::account_store {
 public:
  bool add(const smppd::account::account& a) override {
    return accounts_.emplace(a.system_id, a).second;
  }
  std::optional<smppd::account::account> find(std::string_view id) override {
    ++finds;
    if (failing) throw std::runtime_error("the database is down");
    const auto it = accounts_.find(std::string(id));
    if (it == accounts_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<smppd::account::account> list() override { return {}; }
  bool remove(std::string_view id) override { return accounts_.erase(std::string(id)) > 0; }
  bool set_password_hash(std::string_view id, const std::string& hash) override {
    accounts_.at(std::string(id)).password_hash = hash;
    return true;
  }
  bool set_webhooks(std::string_view, const std::string&, const std::string&,
                    const std::string&) override {
    return false;
  }
  bool set_limits(const smppd::account::account&) override { return false; }
  bool add_token(const smppd::account::api_token&) override { return false; }
  std::vector<smppd::account::api_token> list_tokens(std::optional<std::string_view>) override {
    return {};
  }
  bool remove_token(std::string_view) override { return false; }
  std::optional<smppd::account::api_token> find_token(std::string_view) override {
    return std::nullopt;
  }
  int finds = 0;
  bool failing = false;

 private:
  std::map<std::string, smppd::account::account> accounts_;
};

// The other nodes of a cluster, as the bind registry asks them.
class fake_ledger final : public smppd::core::bind_ledger {
 public:
  smppd::core::binds_elsewhere bound_elsewhere(std::string_view) override { return elsewhere; }
  void publish(std::string_view id, std::uint32_t sessions) override {
    published[std::string(id)] = sessions;
  }
  smppd::core::binds_elsewhere elsewhere;
  std::map<std::string, std::uint32_t> published;
};

// Cheap scrypt parameters: the test checks the logic, not the cost.
std::string quick_hash(std::string_view pw) {
  return smppd::account::hash_password(pw, {16, 1, 1});
}

class authenticator_test : public ::testing::Test {
 protected:
  void SetUp() override {
    add("acme", "secret");
    add("other", "pw2");
    add("third", "pw3");
  }
  void add(const std::string& id, const std::string& password) {
    smppd::account::account a;
    a.system_id = id;
    a.password_hash = quick_hash(password);
    a.max_binds = 2;
    a.max_priority = 1;
    a.classes = {"standard"};
    accounts.add(a);
  }
  static authenticator_settings settings() {
    authenticator_settings s;
    s.guard.lockout_after = 3;
    s.guard.lockout = std::chrono::seconds(60);
    s.guard.first_delay = std::chrono::milliseconds(100);
    s.guard.max_checks_per_address = 2;
    return s;
  }

  // Starts a bind; its outcome appears once answered (at once, or after run_checks()).
  std::shared_ptr<std::optional<bind_outcome>> start(std::string system_id, std::string password,
                                                     std::string address = "10.0.0.1") {
    auto result = std::make_shared<std::optional<bind_outcome>>();
    bind_request r{bind_kind::transceiver, 1, std::move(system_id), std::move(password), 0x34};
    auth.authenticate(r, address, now, [result](const bind_outcome& o) { *result = o; });
    return result;
  }
  // A bind run to its end, slow check included.
  command_status bind(std::string system_id, std::string password,
                      std::string address = "10.0.0.1") {
    auto result = start(std::move(system_id), std::move(password), std::move(address));
    run_checks();
    EXPECT_TRUE(result->has_value());
    return result->has_value() ? (*result)->status : command_status::esme_rsyserr;
  }
  void run_checks() {
    while (!jobs.empty()) {
      auto job = std::move(jobs.front());
      jobs.erase(jobs.begin());
      job();
    }
  }
  std::uint64_t slow_checks() const { return auth.counters().slow_checks; }

  memory_accounts accounts;
  bind_registry registry;
  steady_time now = t0;
  std::vector<authenticator::job> jobs;
  authenticator auth{accounts,   registry,
                     settings(), [this](authenticator::job j) { jobs.push_back(std::move(j)); },
                     nullptr,    [this] { return now; }};
};

TEST_F(authenticator_test, a_right_password_binds_with_the_accounts_policy) {
  const auto outcome = start("acme", "secret");
  EXPECT_FALSE(outcome->has_value());  // waits for the slow check
  run_checks();
  ASSERT_TRUE(outcome->has_value());
  EXPECT_EQ((*outcome)->status, command_status::esme_rok);
  EXPECT_EQ((*outcome)->policy.max_priority, 1);
  EXPECT_EQ((*outcome)->allowed_classes, std::vector<std::string>{"standard"});
  EXPECT_EQ(registry.bound_sessions("acme"), 1u);
}

TEST_F(authenticator_test, unknown_system_id_and_wrong_password_have_their_own_statuses) {
  EXPECT_EQ(bind("nobody", "secret"), command_status::esme_rinvsysid);
  EXPECT_EQ(bind("acme", "wrong", "10.0.0.2"), command_status::esme_rinvpaswd);
  EXPECT_EQ(registry.bound_sessions("acme"), 0u);
}

TEST_F(authenticator_test, a_store_that_cannot_be_asked_is_rsyserr_not_a_crash) {
  accounts.failing = true;
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rsyserr);
  accounts.failing = false;
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rok);
}

TEST_F(authenticator_test, in_a_cluster_binds_on_other_nodes_count_toward_max_binds) {
  fake_ledger ledger;
  registry.share_with(&ledger);
  ledger.elsewhere = {1, 1};  // one session of acme on one other node; max_binds is 2
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rok);
  EXPECT_EQ(ledger.published["acme"], 1u);
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rbindfail);
  ledger.elsewhere = {};
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rok);
  EXPECT_EQ(ledger.published["acme"], 2u);
  registry.unbind("acme");
  EXPECT_EQ(ledger.published["acme"], 1u);
}

TEST_F(authenticator_test, binds_beyond_max_binds_are_rbindfail) {
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rok);
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rok);
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rbindfail);
}

TEST_F(authenticator_test, a_remembered_right_password_binds_without_a_slow_check) {
  ASSERT_EQ(bind("acme", "secret"), command_status::esme_rok);
  const auto checks = slow_checks();
  const auto again = start("acme", "secret");
  ASSERT_TRUE(again->has_value());  // answered at once
  EXPECT_EQ((*again)->status, command_status::esme_rok);
  EXPECT_EQ(slow_checks(), checks);
}

TEST_F(authenticator_test, a_remembered_wrong_password_is_rinvpaswd_without_a_slow_check) {
  ASSERT_EQ(bind("acme", "wrong"), command_status::esme_rinvpaswd);
  const auto checks = slow_checks();
  for (int i = 0; i < 50; ++i) {
    const auto again = start("acme", "wrong");
    ASSERT_TRUE(again->has_value());
    EXPECT_EQ((*again)->status, command_status::esme_rinvpaswd);
  }
  EXPECT_EQ(slow_checks(), checks);
  EXPECT_EQ(auth.counters().known_wrong, 50u);
}

TEST_F(authenticator_test, concurrent_binds_with_one_wrong_password_all_get_rinvpaswd) {
  // Contract: a wrong password is ESME_RINVPASWD, also when 300 arrive at once.
  std::vector<std::shared_ptr<std::optional<bind_outcome>>> binds;
  for (int i = 0; i < 300; ++i)
    binds.push_back(start("acme", "wrong", "10.0.0." + std::to_string(i % 50)));
  run_checks();
  for (const auto& b : binds) {
    ASSERT_TRUE(b->has_value());
    EXPECT_EQ((*b)->status, command_status::esme_rinvpaswd);
  }
  EXPECT_EQ(slow_checks(), 1u);
}

TEST_F(authenticator_test, concurrent_binds_with_the_right_password_share_one_check) {
  auto a = start("acme", "secret");
  auto b = start("acme", "secret");
  EXPECT_EQ(jobs.size(), 1u);
  run_checks();
  EXPECT_EQ((*a)->status, command_status::esme_rok);
  EXPECT_EQ((*b)->status, command_status::esme_rok);
  EXPECT_EQ(registry.bound_sessions("acme"), 2u);
}

TEST_F(authenticator_test, a_second_password_while_one_is_checked_is_refused_not_queued) {
  auto first = start("acme", "guess1");
  auto second = start("acme", "guess2", "10.0.0.2");
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->status, command_status::esme_rbindfail);
  EXPECT_EQ(jobs.size(), 1u);
  EXPECT_EQ(auth.counters().refused_busy, 1u);
  run_checks();
  EXPECT_EQ((*first)->status, command_status::esme_rinvpaswd);
}

TEST_F(authenticator_test, other_accounts_are_not_queued_behind_a_guessers_check) {
  ASSERT_EQ(bind("other", "pw2", "10.0.0.9"), command_status::esme_rok);
  auto guess = start("acme", "guess1");
  ASSERT_FALSE(guess->has_value());  // its check is pending
  // A remembered password of another account: answered at once.
  auto other = start("other", "pw2", "10.0.0.9");
  ASSERT_TRUE(other->has_value());
  EXPECT_EQ((*other)->status, command_status::esme_rok);
  // A new one: its own check, not behind the guesser's verdict.
  auto third = start("third", "pw3", "10.0.0.9");
  EXPECT_EQ(jobs.size(), 2u);
  jobs.back()();
  jobs.pop_back();
  ASSERT_TRUE(third->has_value());
  EXPECT_EQ((*third)->status, command_status::esme_rok);
  EXPECT_FALSE(guess->has_value());
  run_checks();
}

TEST_F(authenticator_test, one_address_has_at_most_two_checks_in_flight) {
  auto a = start("acme", "x", "10.9.9.9");
  auto b = start("other", "y", "10.9.9.9");
  auto c = start("third", "z", "10.9.9.9");
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->status, command_status::esme_rbindfail);
  EXPECT_EQ(jobs.size(), 2u);
  // Another address is not affected.
  auto d = start("third", "pw3", "10.1.1.1");
  EXPECT_EQ(jobs.size(), 3u);
  run_checks();
  EXPECT_EQ((*d)->status, command_status::esme_rok);
}

TEST_F(authenticator_test, one_mistake_is_free_then_checks_wait_a_delay) {
  ASSERT_EQ(bind("acme", "guess1"), command_status::esme_rinvpaswd);
  ASSERT_EQ(bind("acme", "guess2"), command_status::esme_rinvpaswd);  // at once
  // Within 100 ms: refused without a check, from anywhere (the system_id is delayed).
  EXPECT_EQ(bind("acme", "secret", "10.0.0.7"), command_status::esme_rbindfail);
  now += std::chrono::milliseconds(99);
  EXPECT_EQ(bind("acme", "secret", "10.0.0.7"), command_status::esme_rbindfail);
  now += std::chrono::milliseconds(1);
  EXPECT_EQ(bind("acme", "secret", "10.0.0.7"), command_status::esme_rok);
  EXPECT_EQ(slow_checks(), 3u);
}

TEST_F(authenticator_test, a_mistake_then_the_right_password_binds_at_once) {
  ASSERT_EQ(bind("acme", "typo"), command_status::esme_rinvpaswd);
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rok);
}

TEST_F(authenticator_test, a_lockout_refuses_even_the_right_password_without_a_check) {
  for (int i = 0; i < 3; ++i) {  // lockout_after = 3
    ASSERT_EQ(bind("acme", "guess" + std::to_string(i)), command_status::esme_rinvpaswd) << i;
    now += std::chrono::seconds(1);
  }
  EXPECT_GE(auth.counters().lockouts, 1u);
  const auto checks = slow_checks();
  now += std::chrono::seconds(30);
  EXPECT_EQ(bind("acme", "secret", "10.0.0.50"), command_status::esme_rbindfail);
  // A remembered wrong password still gets the contract's status.
  EXPECT_EQ(bind("acme", "guess0", "10.0.0.50"), command_status::esme_rinvpaswd);
  EXPECT_EQ(slow_checks(), checks);
  now += std::chrono::seconds(31);  // the lockout is over
  EXPECT_EQ(bind("acme", "secret", "10.0.0.50"), command_status::esme_rok);
}

TEST_F(authenticator_test, a_locked_out_address_cannot_bind_other_accounts_but_others_can) {
  ASSERT_EQ(bind("other", "pw2", "10.0.0.8"), command_status::esme_rok);
  // Unknown system_ids are not failures (no hash, nothing guessed).
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(bind("nobody" + std::to_string(i), "x", "10.6.6.6"), command_status::esme_rinvsysid);
  }
  // Wrong passwords of any account are.
  for (const char* id : {"acme", "third", "acme"}) {
    ASSERT_EQ(bind(id, "guess" + std::to_string(now.time_since_epoch().count()), "10.6.6.6"),
              command_status::esme_rinvpaswd)
        << id;
    now += std::chrono::seconds(1);  // past each delay of the system_id
  }
  EXPECT_EQ(bind("other", "pw2", "10.6.6.6"), command_status::esme_rbindfail);
  EXPECT_EQ(bind("nobody", "x", "10.6.6.6"), command_status::esme_rbindfail);
  EXPECT_EQ(bind("other", "pw2", "10.0.0.8"), command_status::esme_rok);
  EXPECT_EQ(auth.counters().refused_blocked, 2u);
}

TEST_F(authenticator_test, a_password_change_forgets_the_remembered_ones) {
  ASSERT_EQ(bind("acme", "secret"), command_status::esme_rok);
  registry.unbind("acme");
  accounts.set_password_hash("acme", quick_hash("newpw"));
  now += std::chrono::seconds(1);
  EXPECT_EQ(bind("acme", "secret"), command_status::esme_rinvpaswd);
  now += std::chrono::seconds(1);
  EXPECT_EQ(bind("acme", "newpw"), command_status::esme_rok);
  EXPECT_EQ(slow_checks(), 3u);
}

}  // namespace
