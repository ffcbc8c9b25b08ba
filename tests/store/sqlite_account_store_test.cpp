#include "store/sqlite/sqlite_account_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace {

using smppd::account::account;
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

  std::filesystem::path dir_;
};

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

}  // namespace
