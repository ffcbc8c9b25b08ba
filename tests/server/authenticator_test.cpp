// Bind credentials against an in-memory account store: the statuses of the contract, the
// remembered good password, and the flood cap (a bind storm pays no slow hash for a
// password it has not verified before).
#include "server/authenticator.hpp"

#include <gtest/gtest.h>

#include <map>

#include "account/password.hpp"

namespace {

using smppd::steady_time;
using smppd::smpp::command_status;
using namespace smppd::server;

const steady_time t0{std::chrono::hours(1)};

class memory_accounts final : public smppd::core::account_store {
 public:
  bool add(const smppd::account::account& a) override {
    return accounts_.emplace(a.system_id, a).second;
  }
  std::optional<smppd::account::account> find(std::string_view id) override {
    ++finds;
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
  int finds = 0;

 private:
  std::map<std::string, smppd::account::account> accounts_;
};

// Cheap scrypt parameters: the test checks the logic, not the cost.
std::string quick_hash(std::string_view pw) {
  return smppd::account::hash_password(pw, {16, 1, 1});
}

class authenticator_test : public ::testing::Test {
 protected:
  void SetUp() override {
    smppd::account::account a;
    a.system_id = "acme";
    a.password_hash = quick_hash("secret");
    a.max_binds = 2;
    a.max_priority = 1;
    a.classes = {"standard"};
    accounts.add(a);
  }
  bind_outcome bind(std::string system_id, std::string password, bool allow_slow = true) {
    bind_request r{bind_kind::transceiver, 1, std::move(system_id), std::move(password), 0x34};
    return auth.authenticate(r, t0, allow_slow);
  }

  memory_accounts accounts;
  bind_registry registry;
  authenticator auth{accounts, registry};
};

TEST_F(authenticator_test, a_right_password_binds_with_the_accounts_policy) {
  const auto outcome = bind("acme", "secret");
  EXPECT_EQ(outcome.status, command_status::esme_rok);
  EXPECT_EQ(outcome.policy.max_priority, 1);
  EXPECT_EQ(outcome.allowed_classes, std::vector<std::string>{"standard"});
  EXPECT_EQ(registry.bound_sessions("acme"), 1u);
}

TEST_F(authenticator_test, unknown_system_id_and_wrong_password_have_their_own_statuses) {
  EXPECT_EQ(bind("nobody", "secret").status, command_status::esme_rinvsysid);
  EXPECT_EQ(bind("acme", "wrong").status, command_status::esme_rinvpaswd);
  EXPECT_EQ(registry.bound_sessions("acme"), 0u);
}

TEST_F(authenticator_test, binds_beyond_max_binds_are_rbindfail) {
  EXPECT_EQ(bind("acme", "secret").status, command_status::esme_rok);
  EXPECT_EQ(bind("acme", "secret").status, command_status::esme_rok);
  EXPECT_EQ(bind("acme", "secret").status, command_status::esme_rbindfail);
}

TEST_F(authenticator_test, under_a_flood_only_an_already_verified_password_binds) {
  // Never verified: refused without hashing.
  EXPECT_EQ(bind("acme", "secret", false).status, command_status::esme_rbindfail);
  // Verified once (slow path allowed), then accepted under the flood cap too.
  EXPECT_EQ(bind("acme", "secret", true).status, command_status::esme_rok);
  registry.unbind("acme");
  EXPECT_EQ(bind("acme", "secret", false).status, command_status::esme_rok);
  // A different (wrong) password is not the remembered one.
  EXPECT_EQ(bind("acme", "guess", false).status, command_status::esme_rbindfail);
}

TEST_F(authenticator_test, a_password_change_forgets_the_remembered_one) {
  ASSERT_EQ(bind("acme", "secret").status, command_status::esme_rok);
  registry.unbind("acme");
  accounts.set_password_hash("acme", quick_hash("newpw"));
  EXPECT_EQ(bind("acme", "secret", false).status, command_status::esme_rbindfail);
  EXPECT_EQ(bind("acme", "secret").status, command_status::esme_rinvpaswd);
  EXPECT_EQ(bind("acme", "newpw").status, command_status::esme_rok);
}

}  // namespace
