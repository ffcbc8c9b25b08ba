#include "store/sqlite/sqlite_account_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "account/api_token.hpp"

namespace {

using smppd::account::account;
using smppd::account::api_token;
using smppd::store::sqlite::database;
using smppd::store::sqlite::sqlite_account_store;

class sqlite_account_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smppd-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path db_file() const { return dir_ / "sub" / "smppd.db"; }
  sqlite_account_store open() const {
    return sqlite_account_store(std::make_shared<database>(db_file()));
  }

  static account sample(std::string id) {
    account a;
    a.system_id = std::move(id);
    a.password_hash = "scrypt$1024$8$1$00$00";
    a.max_binds = 3;
    a.throughput = 50;
    a.max_priority = 1;
    a.classes = {"standard", "premium"};
    return a;
  }

  static api_token token(std::string id, std::string system_id, std::int64_t created = 1000) {
    return {id, std::move(system_id), "label of " + id, smppd::account::hash_token("secret " + id),
            created};
  }

  // Runs SQL on the file with a plain connection, as an older smppd would have left it.
  void exec_raw(const std::string& sql) const {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_file().c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  std::filesystem::path dir_;
};

TEST_F(sqlite_account_store_test, sets_the_limits_and_keeps_the_rest) {
  auto store = open();
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

TEST_F(sqlite_account_store_test, creates_the_database_and_its_folder) {
  auto store = open();
  EXPECT_TRUE(std::filesystem::exists(db_file()));
  EXPECT_TRUE(store.list().empty());
}

TEST_F(sqlite_account_store_test, finds_what_was_added_field_by_field) {
  auto store = open();
  ASSERT_TRUE(store.add(sample("acme")));
  const auto found = store.find("acme");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, sample("acme"));
  EXPECT_FALSE(store.find("ACME"));  // system_id is case sensitive
}

TEST_F(sqlite_account_store_test, refuses_a_second_account_with_the_same_id) {
  auto store = open();
  ASSERT_TRUE(store.add(sample("acme")));
  auto other = sample("acme");
  other.max_binds = 99;
  EXPECT_FALSE(store.add(other));
  EXPECT_EQ(store.find("acme")->max_binds, 3u);
}

TEST_F(sqlite_account_store_test, lists_in_system_id_order) {
  auto store = open();
  store.add(sample("b"));
  store.add(sample("a"));
  const auto all = store.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].system_id, "a");
  EXPECT_EQ(all[1].system_id, "b");
}

TEST_F(sqlite_account_store_test, removes_and_reports_unknown_ids) {
  auto store = open();
  store.add(sample("acme"));
  EXPECT_TRUE(store.remove("acme"));
  EXPECT_FALSE(store.remove("acme"));
  EXPECT_FALSE(store.find("acme"));
}

TEST_F(sqlite_account_store_test, changes_the_password_hash) {
  auto store = open();
  store.add(sample("acme"));
  EXPECT_TRUE(store.set_password_hash("acme", "new"));
  EXPECT_EQ(store.find("acme")->password_hash, "new");
  EXPECT_FALSE(store.set_password_hash("nobody", "new"));
}

TEST_F(sqlite_account_store_test, another_connection_sees_changes_at_once) {
  auto server_view = open();
  auto cli_view = open();
  cli_view.add(sample("acme"));
  EXPECT_TRUE(server_view.find("acme"));
  cli_view.remove("acme");
  EXPECT_FALSE(server_view.find("acme"));
}

TEST_F(sqlite_account_store_test, an_empty_class_list_round_trips) {
  auto store = open();
  auto a = sample("acme");
  a.classes.clear();
  store.add(a);
  EXPECT_TRUE(store.find("acme")->classes.empty());
}

TEST_F(sqlite_account_store_test, an_unwritable_location_is_a_clear_error) {
  EXPECT_THROW(database("/proc/smppd-cannot-exist/x.db"), smppd::store::sqlite::store_error);
}

TEST_F(sqlite_account_store_test, webhook_fields_round_trip_and_start_empty) {
  auto store = open();
  auto a = sample("acme");
  a.webhook_url = "https://example.com/status";
  a.webhook_secret = "s3cret";
  a.mo_url = "http://example.com/mo";
  ASSERT_TRUE(store.add(a));
  EXPECT_EQ(*store.find("acme"), a);
  store.add(sample("plain"));
  EXPECT_EQ(*store.find("plain"), sample("plain"));
}

TEST_F(sqlite_account_store_test, sets_and_clears_the_webhooks) {
  auto store = open();
  store.add(sample("acme"));
  ASSERT_TRUE(store.set_webhooks("acme", "https://a/s", "key", "https://a/mo"));
  auto found = *store.find("acme");
  EXPECT_EQ(found.webhook_url, "https://a/s");
  EXPECT_EQ(found.webhook_secret, "key");
  EXPECT_EQ(found.mo_url, "https://a/mo");
  EXPECT_EQ(found.password_hash, sample("acme").password_hash);  // nothing else changed
  ASSERT_TRUE(store.set_webhooks("acme", "", "", ""));
  EXPECT_EQ(*store.find("acme"), sample("acme"));
  EXPECT_FALSE(store.set_webhooks("nobody", "https://a/s", "", ""));
}

TEST_F(sqlite_account_store_test, finds_a_token_by_its_hash_only) {
  auto store = open();
  store.add(sample("acme"));
  const auto t = token("t1", "acme");
  ASSERT_TRUE(store.add_token(t));
  EXPECT_EQ(store.find_token(t.hash), t);
  EXPECT_FALSE(store.find_token(smppd::account::hash_token("another secret")));
  EXPECT_FALSE(store.find_token("t1"));  // the id is no credential
}

TEST_F(sqlite_account_store_test, refuses_a_token_for_an_unknown_account) {
  auto store = open();
  EXPECT_FALSE(store.add_token(token("t1", "nobody")));
  EXPECT_TRUE(store.list_tokens(std::nullopt).empty());
}

TEST_F(sqlite_account_store_test, lists_tokens_by_account_then_age) {
  auto store = open();
  store.add(sample("a"));
  store.add(sample("b"));
  ASSERT_TRUE(store.add_token(token("t3", "b", 100)));
  ASSERT_TRUE(store.add_token(token("t2", "a", 300)));
  ASSERT_TRUE(store.add_token(token("t1", "a", 200)));
  const auto all = store.list_tokens(std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], token("t1", "a", 200));
  EXPECT_EQ(all[1].id, "t2");
  EXPECT_EQ(all[2].id, "t3");
  const auto of_b = store.list_tokens("b");
  ASSERT_EQ(of_b.size(), 1u);
  EXPECT_EQ(of_b[0].id, "t3");
  EXPECT_TRUE(store.list_tokens("nobody").empty());
}

TEST_F(sqlite_account_store_test, a_removed_token_is_found_no_more) {
  auto store = open();
  store.add(sample("acme"));
  const auto t = token("t1", "acme");
  store.add_token(t);
  store.add_token(token("t2", "acme"));
  EXPECT_TRUE(store.remove_token("t1"));
  EXPECT_FALSE(store.remove_token("t1"));
  EXPECT_FALSE(store.find_token(t.hash));
  EXPECT_EQ(store.list_tokens(std::nullopt).size(), 1u);
}

TEST_F(sqlite_account_store_test, removing_an_account_removes_its_tokens) {
  auto store = open();
  store.add(sample("acme"));
  store.add(sample("other"));
  const auto t = token("t1", "acme");
  store.add_token(t);
  store.add_token(token("t2", "other"));
  ASSERT_TRUE(store.remove("acme"));
  EXPECT_FALSE(store.find_token(t.hash));
  const auto left = store.list_tokens(std::nullopt);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "t2");
  // An account added again under the same id does not get the old tokens back.
  store.add(sample("acme"));
  EXPECT_TRUE(store.list_tokens("acme").empty());
}

// A file from before the HTTP API: schema version 4, accounts without the webhook columns
// and no api_tokens table. It opens, migrates, and its accounts keep everything they had.
TEST_F(sqlite_account_store_test, a_file_from_before_the_http_api_is_upgraded_in_place) {
  open().add(sample("acme"));
  exec_raw(
      "DROP TABLE api_tokens; ALTER TABLE accounts DROP COLUMN webhook_url;"
      "ALTER TABLE accounts DROP COLUMN webhook_secret; ALTER TABLE accounts DROP COLUMN mo_url;"
      // and schema 6 (the REST API's messages)
      "ALTER TABLE receipts DROP COLUMN webhook_url; ALTER TABLE messages DROP COLUMN batch_id;"
      "ALTER TABLE messages DROP COLUMN callback_url; ALTER TABLE messages DROP COLUMN userref;"
      "PRAGMA user_version = 4;");
  auto store = open();
  EXPECT_EQ(*store.find("acme"), sample("acme"));
  ASSERT_TRUE(store.set_webhooks("acme", "https://a/s", "k", ""));
  const auto t = token("t1", "acme");
  ASSERT_TRUE(store.add_token(t));
  EXPECT_EQ(store.find_token(t.hash), t);
  ASSERT_TRUE(store.remove("acme"));  // the cascade holds on a migrated file too
  EXPECT_TRUE(store.list_tokens(std::nullopt).empty());
}

}  // namespace
