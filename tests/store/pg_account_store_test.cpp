// Accounts, webhooks and API tokens in PostgreSQL, against a private PostgreSQL started by
// the test (tests/support/postgres_server).
#include "store/postgres/pg_account_store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "account/api_token.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"
#include "support/postgres_server.hpp"

namespace {

using smppd::account::account;
using smppd::account::api_token;
using smppd::store::postgres::connection;
using smppd::store::postgres::pg_account_store;
using smppd::store::postgres::pg_error;
using namespace std::chrono_literals;

account sample(std::string id) {
  account a;
  a.system_id = std::move(id);
  a.password_hash = "scrypt$1024$8$1$00$00";
  a.max_binds = 3;
  a.throughput = 50;
  a.max_priority = 1;
  a.classes = {"standard", "premium"};
  return a;
}

api_token token(std::string id, std::string system_id, std::int64_t created = 1000) {
  return {id, std::move(system_id), "label of " + id, smppd::account::hash_token("secret " + id),
          created};
}

class pg_account_store_test : public ::testing::Test {
 protected:
  smppd::test_support::postgres_server pg;
};

TEST_F(pg_account_store_test, sets_the_limits_and_keeps_the_rest) {
  pg_account_store store(pg.url());
  store.add(sample("acme"));
  ASSERT_TRUE(store.set_webhooks("acme", "https://a/s", "key", ""));
  auto changed = sample("acme");
  changed.max_binds = 3;
  changed.throughput = 77;
  changed.max_priority = 1;
  changed.classes = {"premium"};
  changed.password_hash = "not stored by set_limits";
  ASSERT_TRUE(store.set_limits(changed));
  const auto found = *store.find("acme");
  EXPECT_EQ(found.max_binds, 3u);
  EXPECT_EQ(found.throughput, 77u);
  EXPECT_EQ(found.max_priority, 1);
  EXPECT_EQ(found.classes, std::vector<std::string>{"premium"});
  EXPECT_EQ(found.password_hash, sample("acme").password_hash);
  EXPECT_EQ(found.webhook_url, "https://a/s");
  changed.system_id = "nobody";
  EXPECT_FALSE(store.set_limits(changed));
}

TEST_F(pg_account_store_test, webhooks_round_trip_and_are_set_and_cleared) {
  pg_account_store store(pg.url());
  auto a = sample("acme");
  a.webhook_url = "https://example.com/status";
  a.webhook_secret = "s3cret";
  a.mo_url = "http://example.com/mo";
  ASSERT_TRUE(store.add(a));
  EXPECT_EQ(*store.find("acme"), a);
  ASSERT_TRUE(store.add(sample("plain")));
  EXPECT_EQ(*store.find("plain"), sample("plain"));
  ASSERT_TRUE(store.set_webhooks("plain", "https://a/s", "key", "https://a/mo"));
  const auto changed = *store.find("plain");
  EXPECT_EQ(changed.webhook_url, "https://a/s");
  EXPECT_EQ(changed.webhook_secret, "key");
  EXPECT_EQ(changed.mo_url, "https://a/mo");
  ASSERT_TRUE(store.set_webhooks("plain", "", "", ""));
  EXPECT_EQ(store.list(), (std::vector<account>{a, sample("plain")}));
  EXPECT_FALSE(store.set_webhooks("nobody", "https://a/s", "", ""));
}

TEST_F(pg_account_store_test, tokens_are_added_found_listed_and_removed) {
  pg_account_store store(pg.url());
  store.add(sample("a"));
  store.add(sample("b"));
  EXPECT_FALSE(store.add_token(token("t0", "nobody")));
  ASSERT_TRUE(store.add_token(token("t3", "b", 100)));
  ASSERT_TRUE(store.add_token(token("t2", "a", 300)));
  ASSERT_TRUE(store.add_token(token("t1", "a", 200)));

  EXPECT_EQ(store.find_token(token("t1", "a", 200).hash), token("t1", "a", 200));
  EXPECT_FALSE(store.find_token(smppd::account::hash_token("another secret")));
  EXPECT_FALSE(store.find_token("t1"));  // the id is no credential

  const auto all = store.list_tokens(std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "t1");  // by account, then oldest first
  EXPECT_EQ(all[1].id, "t2");
  EXPECT_EQ(all[2].id, "t3");
  ASSERT_EQ(store.list_tokens("b").size(), 1u);
  EXPECT_TRUE(store.list_tokens("nobody").empty());

  EXPECT_TRUE(store.remove_token("t1"));
  EXPECT_FALSE(store.remove_token("t1"));
  EXPECT_FALSE(store.find_token(token("t1", "a").hash));
  EXPECT_EQ(store.list_tokens(std::nullopt).size(), 2u);
}

TEST_F(pg_account_store_test, removing_an_account_removes_its_tokens) {
  pg_account_store store(pg.url());
  store.add(sample("acme"));
  store.add(sample("other"));
  const auto t = token("t1", "acme");
  ASSERT_TRUE(store.add_token(t));
  ASSERT_TRUE(store.add_token(token("t2", "other")));
  ASSERT_TRUE(store.find_token(t.hash));
  ASSERT_TRUE(store.remove("acme"));
  EXPECT_FALSE(store.find_token(t.hash));
  const auto left = store.list_tokens(std::nullopt);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "t2");
  store.add(sample("acme"));  // the same id again does not get the old tokens back
  EXPECT_TRUE(store.list_tokens("acme").empty());
}

// A database from before the HTTP API: schema version 1, accounts without the webhook
// columns and no api_tokens table. The next start migrates it; accounts keep what they had.
TEST_F(pg_account_store_test, a_database_from_before_the_http_api_is_upgraded_in_place) {
  {
    pg_account_store store(pg.url());
    store.add(sample("acme"));
  }
  {
    connection db(pg.url());
    db.exec_script(
        "DROP TABLE api_tokens; ALTER TABLE accounts DROP COLUMN webhook_url, "
        "DROP COLUMN webhook_secret, DROP COLUMN mo_url; ALTER TABLE receipts DROP COLUMN webhook;"
        "UPDATE smppd_schema SET version = 1;");
  }
  pg_account_store store(pg.url());
  EXPECT_EQ(connection(pg.url()).exec("SELECT version FROM smppd_schema").integer(0, 0),
            smppd::store::postgres::schema_version);
  EXPECT_EQ(*store.find("acme"), sample("acme"));
  ASSERT_TRUE(store.set_webhooks("acme", "https://a/s", "k", ""));
  const auto t = token("t1", "acme");
  ASSERT_TRUE(store.add_token(t));
  EXPECT_EQ(store.find_token(t.hash), t);
}

TEST_F(pg_account_store_test, while_postgresql_is_down_tokens_found_before_still_act) {
  pg_account_store store(pg.url(), 1);
  store.add(sample("acme"));
  const auto t = token("t1", "acme");
  const auto gone = token("t2", "acme");
  ASSERT_TRUE(store.add_token(t));
  ASSERT_TRUE(store.add_token(gone));
  ASSERT_TRUE(store.find_token(t.hash));
  ASSERT_TRUE(store.find_token(gone.hash));
  ASSERT_TRUE(store.remove_token(gone.id));  // removed here: not remembered any more
  pg.stop();
  EXPECT_EQ(store.find_token(t.hash), t);
  EXPECT_THROW(store.find_token(gone.hash), pg_error);
  EXPECT_THROW(store.find_token(token("t3", "acme").hash), pg_error);  // never seen
  pg.start();
  std::this_thread::sleep_for(1100ms);  // one connection attempt per second while down
  EXPECT_FALSE(store.find_token(gone.hash));
  EXPECT_EQ(store.find_token(t.hash), t);
}

}  // namespace
