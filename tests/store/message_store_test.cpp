#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>

#include "store/pre_mo_journal.hpp"
#include "store/sqlite/columns.hpp"
#include "store/sqlite/sqlite_message_store.hpp"
#include "support/committed_store.hpp"
#include "support/hex.hpp"
#include "support/incompressible.hpp"

namespace {

using namespace std::chrono_literals;
using smppd::wall_time;
using smppd::core::errc;
using smppd::core::message_record;
using smppd::core::message_state;
using smppd::core::receipt_record;
using smppd::store::sqlite::message_store_options;
using smppd::store::sqlite::sqlite_message_store;
using smppd::test_support::committed_messages;
using smppd::test_support::committed_receipt_ids;
using smppd::test_support::incompressible;

// The store keeps milliseconds.
wall_time ms_now() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

message_record sample_message(std::uint64_t id, std::string system_id = "acme") {
  message_record m;
  m.id = id;
  m.system_id = std::move(system_id);
  m.source_addr_ton = 5;
  m.source_addr_npi = 0;
  m.source_addr = "Acme";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4512345678";
  m.data_coding = 0;
  m.payload = {'h', 'e', 'l', 'l', 'o'};
  m.registered_delivery = 1;
  m.submitted_at = ms_now();
  return m;
}

receipt_record sample_receipt(std::uint64_t message_id, std::string system_id = "acme") {
  receipt_record r;
  r.system_id = std::move(system_id);
  r.message_id = message_id;
  r.text = "id:" + std::to_string(message_id) +
           " sub:001 dlvrd:001 submit date:2401011200 done date:2401011200 stat:DELIVRD "
           "err:000 text:";
  r.message_state = 2;
  r.source_addr_ton = 1;
  r.source_addr_npi = 1;
  r.source_addr = "4512345678";
  r.dest_addr_ton = 5;
  r.destination_addr = "Acme";
  r.created_at = ms_now();
  return r;
}

// Waits for one completion's error_code.
struct waiter {
  std::promise<std::error_code> p;
  std::future<std::error_code> f = p.get_future();
  auto callback() {
    return [this](std::error_code ec) { p.set_value(ec); };
  }
  std::error_code get() { return f.get(); }
};

class message_store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smppd-msgstore-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path db_file() const { return dir_ / "smppd.db"; }
  std::unique_ptr<sqlite_message_store> open(message_store_options o = {}) const {
    o.synchronous_full = false;  // tests check semantics, not fsync
    return std::make_unique<sqlite_message_store>(db_file(), o);
  }

  static std::error_code append_sync(sqlite_message_store& s, message_record m) {
    waiter w;
    s.append(std::move(m), w.callback());
    return w.get();
  }
  static std::pair<std::error_code, std::uint64_t> outcome_sync(sqlite_message_store& s,
                                                                std::uint64_t id,
                                                                message_state state, wall_time at,
                                                                std::uint32_t error,
                                                                std::optional<receipt_record> r) {
    std::promise<std::pair<std::error_code, std::uint64_t>> p;
    s.record_outcome(id, state, at, error, std::move(r),
                     [&](std::error_code ec, std::uint64_t rid) {
                       p.set_value({ec, rid});
                     });
    return p.get_future().get();
  }

  // A second connection, as another process would see the file.
  std::int64_t count_rows(const std::string& sql) const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(db_file().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK);
    std::int64_t n = -1;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }

  // The columns of `table`, as "a, b, c" in the schema's order.
  std::string columns_of(const std::string& table) const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(db_file().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    const auto sql = "SELECT name FROM pragma_table_info('" + table + "')";
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK);
    std::string out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      if (!out.empty()) out += ", ";
      out += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  }

  std::filesystem::path dir_;
};

std::vector<std::string> sorted_names(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= list.size();) {
    const auto end = std::min(list.find(", ", at), list.size());
    out.push_back(list.substr(at, end - at));
    at = end + 2;
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(message_state_test, only_delivered_and_later_states_are_final) {
  EXPECT_FALSE(is_final(message_state::accepted));
  EXPECT_FALSE(is_final(message_state::enroute));
  EXPECT_TRUE(is_final(message_state::delivered));
  EXPECT_TRUE(is_final(message_state::expired));
  EXPECT_TRUE(is_final(message_state::rejected));
}

TEST(store_errc_test, error_codes_name_the_store_and_the_problem) {
  const std::error_code ec = errc::full;
  EXPECT_STREQ(ec.category().name(), "smppd.store");
  EXPECT_EQ(ec.message(), "the message store is full");
  EXPECT_TRUE(ec == errc::full);
}

// The records' field lists drive the statements; the schema, written once per version in
// database.cpp, must have exactly those columns.
TEST_F(message_store_test, schema_columns_are_exactly_the_records_fields) {
  { auto store = open(); }
  using smppd::store::sqlite::column_list;
  EXPECT_EQ(sorted_names(columns_of("messages")), sorted_names(column_list<message_record>()));
  EXPECT_EQ(sorted_names(columns_of("receipts")), sorted_names(column_list<receipt_record>()));
}

TEST_F(message_store_test, appended_message_reads_back_field_by_field_after_reopening) {
  message_record m = sample_message(42);
  m.source_addr_ton = 1;
  m.source_addr_npi = 1;
  m.source_addr = "4599887766";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "123456789012345";
  m.service_type = "CMT";
  m.esm_class = 0x40;
  m.protocol_id = 0x7f;
  m.data_coding = 8;
  m.payload = {0x00, 0x41, 0x00, 0x00, 0xff, 0xfe};  // a NUL inside must survive
  m.parts = 3;
  m.requested_priority = 3;
  m.priority = 1;
  m.user_message_reference = {0x30, 0x39};
  m.message_class = "premium";
  m.flash = true;
  m.registered_delivery = 0x11;
  m.schedule_delivery_time = ms_now() + 1h;
  m.validity_period = ms_now() + 48h;
  m.submitted_at = ms_now() - 5s;
  m.state = message_state::enroute;
  m.error_code = 0x107E;
  {
    auto store = open();
    ASSERT_FALSE(append_sync(*store, m));
  }
  auto store = open();
  auto unfinished = store->unfinished_messages();
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0], m);
  EXPECT_EQ(store->max_message_id(), 42u);
}

TEST_F(message_store_test, message_without_optional_fields_reads_back_equal) {
  message_record m = sample_message(7);
  m.payload.clear();
  {
    auto store = open();
    ASSERT_FALSE(append_sync(*store, m));
  }
  auto unfinished = open()->unfinished_messages();
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0], m);
  EXPECT_FALSE(unfinished[0].schedule_delivery_time);
  EXPECT_FALSE(unfinished[0].done_at);
}

TEST_F(message_store_test, max_message_id_is_zero_when_empty) {
  EXPECT_EQ(open()->max_message_id(), 0u);
}

TEST_F(message_store_test, outcome_updates_state_done_time_and_error) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, sample_message(1)));
  ASSERT_FALSE(append_sync(*store, sample_message(2)));
  const auto done = ms_now();
  auto [ec, rid] = outcome_sync(*store, 1, message_state::undeliverable, done, 0x107E, {});
  ASSERT_FALSE(ec);
  EXPECT_EQ(rid, 0u);  // no receipt asked
  // ENROUTE is not final: the message stays unfinished, with its new state.
  ASSERT_FALSE(outcome_sync(*store, 2, message_state::enroute, done, 0, {}).first);
  auto unfinished = store->unfinished_messages();
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0].id, 2u);
  EXPECT_EQ(unfinished[0].state, message_state::enroute);
  EXPECT_EQ(unfinished[0].done_at, done);
  // A final message is not kept: nothing reads it again (its receipt carries what the
  // customer needs).
  EXPECT_EQ(count_rows("SELECT count(*) FROM messages WHERE id = 1"), 0);
}

TEST_F(message_store_test, receipts_are_listed_oldest_first_and_gone_once_removed) {
  std::vector<std::uint64_t> ids;
  std::vector<receipt_record> expected;
  {
    auto store = open();
    for (std::uint64_t id = 1; id <= 3; ++id) {
      ASSERT_FALSE(append_sync(*store, sample_message(id)));
      auto r = sample_receipt(id);
      r.user_message_reference =
          id == 2 ? std::vector<std::uint8_t>{0x01, 0x02} : std::vector<std::uint8_t>{};
      r.network_error = id == 3 ? 0x1013 : 0;
      auto [ec, rid] = outcome_sync(*store, id, message_state::delivered, ms_now(), 0, r);
      ASSERT_FALSE(ec);
      ASSERT_NE(rid, 0u);
      if (!ids.empty()) {
        EXPECT_GT(rid, ids.back());
      }
      ids.push_back(rid);
      r.receipt_id = rid;
      expected.push_back(r);
    }
    EXPECT_EQ(store->pending_count("acme"), 3u);
  }
  auto store = open();
  EXPECT_EQ(store->pending_count("acme"), 3u);  // loaded at start
  EXPECT_EQ(store->pending_receipts(48h), expected);

  waiter w;
  store->remove_receipt(ids[1], w.callback());
  ASSERT_FALSE(w.get());
  EXPECT_EQ(store->pending_count("acme"), 2u);
  auto left = store->pending_receipts(48h);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].receipt_id, ids[0]);
  EXPECT_EQ(left[1].receipt_id, ids[2]);

  waiter again;  // an ack for a receipt already gone is not an error
  store->remove_receipt(ids[1], again.callback());
  EXPECT_FALSE(again.get());
  EXPECT_EQ(store->pending_count("acme"), 2u);
}

TEST_F(message_store_test, an_mo_is_queued_like_a_receipt_and_survives_a_reopen) {
  receipt_record mo;
  mo.system_id = "acme";
  mo.text = std::string("\x05\x00\x03\x02\x02\x01", 6) + std::string(300, '\0');  // > 254
  mo.source_addr_ton = 1;
  mo.source_addr = "4670000002";
  mo.destination_addr = "4512345";
  mo.esm_class = 0x40;
  mo.data_coding = 8;
  mo.created_at = ms_now();
  std::uint64_t mo_id = 0;
  {
    auto store = open();
    std::promise<std::uint64_t> p;
    std::vector<smppd::core::message_step> steps;
    steps.emplace_back(smppd::core::mo_received{mo});
    store->write(std::move(steps), [&](auto results, auto written) {
      EXPECT_FALSE(results[0].ec);
      EXPECT_EQ(std::get<smppd::core::mo_received>(written[0]).mo.receipt_id,
                results[0].receipt_id);
      p.set_value(results[0].receipt_id);
    });
    mo_id = p.get_future().get();
    ASSERT_NE(mo_id, 0u);
    EXPECT_EQ(store->pending_count("acme"), 1u);
    EXPECT_EQ(committed_receipt_ids(db_file()), std::vector<std::uint64_t>{mo_id});
  }
  mo.receipt_id = mo_id;
  {
    auto store = open();  // from the journal
    EXPECT_EQ(store->pending_receipts(48h), std::vector<receipt_record>{mo});
    store->fold_all();
  }
  auto store = open();  // from the table
  EXPECT_EQ(store->pending_receipts(48h), std::vector<receipt_record>{mo});
  waiter w;
  store->remove_receipt(mo_id, w.callback());
  ASSERT_FALSE(w.get());
  EXPECT_TRUE(store->pending_receipts(48h).empty());
}

// A file from before MO: schema version 3 (receipts without esm_class and data_coding) and
// a journal row in the old layout. It opens, migrates, and both its receipts stay receipts.
TEST_F(message_store_test, a_file_from_before_mo_loads_its_receipts_as_receipts) {
  auto in_table = sample_receipt(1);
  {
    auto store = open();
    ASSERT_FALSE(append_sync(*store, sample_message(1)));
    const auto [ec, id] = outcome_sync(*store, 1, message_state::delivered, ms_now(), 0, in_table);
    ASSERT_FALSE(ec);
    ASSERT_LT(id, smppd::test_support::pre_mo_receipt().receipt_id);
    in_table.receipt_id = id;
  }  // closing folds it into the receipts table
  const auto old_row = smppd::test_support::from_hex(smppd::test_support::pre_mo_finished_hex);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file().c_str(), &db), SQLITE_OK);
  const std::string sql =
      "ALTER TABLE receipts DROP COLUMN esm_class; ALTER TABLE receipts DROP COLUMN data_coding;"
      // and what schema 5 (the HTTP API) added, so that it can be added again
      "DROP TABLE api_tokens; ALTER TABLE accounts DROP COLUMN webhook_url;"
      "ALTER TABLE accounts DROP COLUMN webhook_secret; ALTER TABLE accounts DROP COLUMN mo_url;"
      // and what schema 6 (the REST API's messages) added
      "ALTER TABLE receipts DROP COLUMN webhook_url; ALTER TABLE messages DROP COLUMN batch_id;"
      "ALTER TABLE messages DROP COLUMN callback_url; ALTER TABLE messages DROP COLUMN userref;"
      "PRAGMA user_version = 3; INSERT INTO journal (seq, data) VALUES (1, x'" +
      smppd::test_support::to_hex(old_row) + "');";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  const auto forever = std::chrono::hours(24 * 365 * 100);  // the pinned row is from 2023
  auto store = open();
  EXPECT_GE(count_rows("PRAGMA user_version"), 4);  // and whatever came after MO
  const std::vector<receipt_record> expected = {in_table, smppd::test_support::pre_mo_receipt()};
  EXPECT_EQ(store->pending_receipts(forever), expected);  // folds the old row on the way
  EXPECT_EQ(count_rows("SELECT count(*) FROM receipts WHERE esm_class = 4 AND data_coding = 0"), 2);
  EXPECT_EQ(store->pending_count("acme"), 2u);
  // The next id follows the old row's.
  std::vector<smppd::core::message_step> steps;
  receipt_record mo;
  mo.system_id = "acme";
  mo.esm_class = 0;
  mo.created_at = ms_now();
  steps.emplace_back(smppd::core::mo_received{mo});
  std::promise<std::uint64_t> given;
  store->write(std::move(steps),
               [&](auto results, auto) { given.set_value(results[0].receipt_id); });
  EXPECT_GT(given.get_future().get(), smppd::test_support::pre_mo_receipt().receipt_id);
}

TEST_F(message_store_test, the_cap_counts_an_accounts_mos_and_receipts_together) {
  message_store_options o;
  o.max_pending_per_account = 2;
  auto store = open(o);
  ASSERT_FALSE(append_sync(*store, sample_message(1)));
  const auto first =
      outcome_sync(*store, 1, message_state::delivered, ms_now(), 0, sample_receipt(1));
  ASSERT_FALSE(first.first);
  for (int i = 0; i < 2; ++i) {
    receipt_record mo;
    mo.system_id = "acme";
    mo.text = "mo";
    mo.created_at = ms_now();
    mo.esm_class = 0;
    std::vector<smppd::core::message_step> steps;
    steps.emplace_back(smppd::core::mo_received{mo});
    std::promise<void> p;
    store->write(std::move(steps), [&](auto results, auto) {
      EXPECT_FALSE(results[0].ec);
      p.set_value();
    });
    p.get_future().get();
  }
  const auto left = store->pending_receipts(48h);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_TRUE(left[0].is_mo());
  EXPECT_TRUE(left[1].is_mo());
  EXPECT_EQ(store->dropped_receipts(), 1u);  // the receipt, the oldest
}

TEST_F(message_store_test, receipt_ids_are_never_reused_after_the_newest_is_removed) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, sample_message(1)));
  auto first = outcome_sync(*store, 1, message_state::delivered, ms_now(), 0, sample_receipt(1));
  waiter w;
  store->remove_receipt(first.second, w.callback());
  ASSERT_FALSE(w.get());
  store.reset();
  store = open();
  auto second = outcome_sync(*store, 1, message_state::delivered, ms_now(), 0, sample_receipt(1));
  EXPECT_GT(second.second, first.second);
}

TEST_F(message_store_test, cap_drops_the_oldest_receipts_of_that_account_only_and_counts_them) {
  message_store_options o;
  o.max_pending_per_account = 5;
  auto store = open(o);
  std::vector<std::uint64_t> acme;
  for (std::uint64_t id = 1; id <= 8; ++id) {
    ASSERT_FALSE(append_sync(*store, sample_message(id)));
    auto [ec, rid] =
        outcome_sync(*store, id, message_state::delivered, ms_now(), 0, sample_receipt(id));
    ASSERT_FALSE(ec);
    acme.push_back(rid);
  }
  ASSERT_FALSE(append_sync(*store, sample_message(100, "other")));
  ASSERT_FALSE(
      outcome_sync(*store, 100, message_state::delivered, ms_now(), 0, sample_receipt(100, "other"))
          .first);
  EXPECT_EQ(store->dropped_receipts(), 3u);
  EXPECT_EQ(store->pending_count("acme"), 5u);
  EXPECT_EQ(store->pending_count("other"), 1u);
  auto left = store->pending_receipts(48h);
  ASSERT_EQ(left.size(), 6u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(left[i].receipt_id, acme[i + 3]);
  EXPECT_EQ(left[5].system_id, "other");
}

TEST_F(message_store_test, cap_applies_within_one_batch_too) {
  message_store_options o;
  o.max_pending_per_account = 10;
  auto store = open(o);
  for (std::uint64_t id = 1; id <= 100; ++id) store->append(sample_message(id), {});
  for (std::uint64_t id = 1; id <= 100; ++id) {
    store->record_outcome(id, message_state::delivered, ms_now(), 0, sample_receipt(id), {});
  }
  store->flush();
  EXPECT_EQ(store->dropped_receipts(), 90u);
  auto left = store->pending_receipts(48h);
  ASSERT_EQ(left.size(), 10u);
  EXPECT_EQ(left.front().message_id, 91u);
}

TEST_F(message_store_test, retention_deletes_old_receipts_before_listing) {
  {
    auto store = open();
    auto old = sample_receipt(1);
    old.created_at = ms_now() - 49h;
    ASSERT_FALSE(append_sync(*store, sample_message(1)));
    ASSERT_FALSE(append_sync(*store, sample_message(2)));
    ASSERT_FALSE(outcome_sync(*store, 1, message_state::delivered, ms_now(), 0, old).first);
    ASSERT_FALSE(
        outcome_sync(*store, 2, message_state::delivered, ms_now(), 0, sample_receipt(2)).first);
  }
  auto store = open();
  auto left = store->pending_receipts(48h);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].message_id, 2u);
  EXPECT_EQ(store->pending_count("acme"), 1u);
  EXPECT_EQ(count_rows("SELECT count(*) FROM receipts"), 1);
}

TEST_F(message_store_test, completions_run_after_the_commit_is_in_the_file) {
  auto store = open();
  std::promise<std::size_t> seen;
  store->append(sample_message(9), [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    seen.set_value(committed_messages(db_file()).size());
  });
  EXPECT_EQ(seen.get_future().get(), 1u);

  std::promise<std::vector<std::uint64_t>> receipt_seen;
  std::uint64_t id = 0;
  store->record_outcome(9, message_state::delivered, ms_now(), 0, sample_receipt(9),
                        [&](std::error_code ec, std::uint64_t rid) {
                          EXPECT_FALSE(ec);
                          id = rid;
                          receipt_seen.set_value(committed_receipt_ids(db_file()));
                        });
  const auto ids = receipt_seen.get_future().get();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0], id);
  EXPECT_TRUE(committed_messages(db_file()).empty());  // delivered: no longer unfinished
}

// What finishes within the journal never reaches the tables; the fold empties the journal
// and moves only what is still live.
TEST_F(message_store_test, the_fold_keeps_only_what_is_live_and_empties_the_journal) {
  auto store = open();
  for (std::uint64_t id = 1; id <= 4; ++id) ASSERT_FALSE(append_sync(*store, sample_message(id)));
  ASSERT_FALSE(outcome_sync(*store, 1, message_state::delivered, ms_now(), 0, {}).first);
  const auto [ec, rid] =
      outcome_sync(*store, 2, message_state::undeliverable, ms_now(), 0x107E, sample_receipt(2));
  ASSERT_FALSE(ec);
  const auto [ec3, rid3] =
      outcome_sync(*store, 3, message_state::delivered, ms_now(), 0, sample_receipt(3));
  ASSERT_FALSE(ec3);
  waiter acked;
  store->remove_receipt(rid3, acked.callback());
  ASSERT_FALSE(acked.get());
  EXPECT_GT(store->journal_rows(), 0u);
  EXPECT_EQ(count_rows("SELECT count(*) FROM messages"), 0);

  store->fold_all();
  EXPECT_EQ(store->journal_rows(), 0u);
  EXPECT_EQ(count_rows("SELECT group_concat(id) FROM messages"), 4);  // only 4 is unfinished
  EXPECT_EQ(count_rows("SELECT count(*) FROM receipts"), 1);
  EXPECT_EQ(count_rows("SELECT receipt_id FROM receipts"), static_cast<std::int64_t>(rid));

  // Steps on what is in the tables now: applied at the next fold.
  ASSERT_FALSE(outcome_sync(*store, 4, message_state::expired, ms_now(), 0, {}).first);
  waiter acked2;
  store->remove_receipt(rid, acked2.callback());
  ASSERT_FALSE(acked2.get());
  EXPECT_EQ(store->unfinished_messages().size(), 0u);  // reads fold first
  EXPECT_EQ(count_rows("SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM receipts"), 0);
  EXPECT_EQ(store->max_message_id(), 4u);
}

// A crash leaves the database and its WAL as they were at the last commit: a copy of both
// taken after flush() is what a restart after SIGKILL would open, journal and all.
TEST_F(message_store_test, a_crash_copy_replays_the_journal_into_the_same_state) {
  auto store = open();
  for (std::uint64_t id = 1; id <= 6; ++id) ASSERT_FALSE(append_sync(*store, sample_message(id)));
  store->fold_all();  // 1-6 in the table
  for (std::uint64_t id = 7; id <= 9; ++id) ASSERT_FALSE(append_sync(*store, sample_message(id)));
  ASSERT_FALSE(outcome_sync(*store, 2, message_state::delivered, ms_now(), 0, {}).first);  // table
  ASSERT_FALSE(
      outcome_sync(*store, 8, message_state::delivered, ms_now(), 0, {}).first);  // journal
  const auto r1 = outcome_sync(*store, 3, message_state::delivered, ms_now(), 0, sample_receipt(3));
  const auto r2 = outcome_sync(*store, 7, message_state::delivered, ms_now(), 0, sample_receipt(7));
  ASSERT_FALSE(r1.first);
  ASSERT_FALSE(r2.first);
  waiter acked;
  store->remove_receipt(r1.second, acked.callback());
  ASSERT_FALSE(acked.get());
  {
    std::vector<smppd::core::message_step> steps;
    steps.emplace_back(smppd::core::message_enroute{4, "upstream-a", "AB12"});
    std::promise<void> done;
    store->write(std::move(steps), [&](std::span<const smppd::core::step_result> r, auto) {
      EXPECT_FALSE(r[0].ec);
      done.set_value();
    });
    done.get_future().get();
  }
  store->flush();
  ASSERT_GT(store->journal_rows(), 0u);

  const auto copy = dir_ / "crash";
  std::filesystem::create_directories(copy);
  std::filesystem::copy_file(db_file(), copy / "smppd.db");
  std::filesystem::copy_file(dir_ / "smppd.db-wal", copy / "smppd.db-wal");

  message_store_options o;
  o.synchronous_full = false;
  sqlite_message_store recovered(copy / "smppd.db", o);
  std::vector<std::uint64_t> ids;
  for (const auto& m : recovered.unfinished_messages()) {
    ids.push_back(m.id);
    if (m.id == 4) {
      EXPECT_EQ(m.state, message_state::enroute);
      EXPECT_EQ(m.carrier, "upstream-a");
      EXPECT_EQ(m.upstream_id, "AB12");
    }
  }
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 4, 5, 6, 9}));
  const auto receipts = recovered.pending_receipts(48h);
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].receipt_id, r2.second);
  EXPECT_EQ(receipts[0].message_id, 7u);
  EXPECT_EQ(recovered.max_message_id(), 9u);
  EXPECT_EQ(recovered.pending_count("acme"), 1u);
  EXPECT_EQ(recovered.journal_rows(), 0u);
}

TEST_F(message_store_test, waiting_messages_come_by_priority_then_age_page_by_page) {
  auto store = open();
  const std::vector<std::pair<std::uint64_t, std::uint8_t>> messages = {
      {1, 0}, {2, 3}, {3, 1}, {4, 3}, {5, 0}, {6, 1}, {7, 2}};
  for (const auto& [id, priority] : messages) {
    auto m = sample_message(id);
    m.priority = priority;
    ASSERT_FALSE(append_sync(*store, m));
  }
  {
    std::vector<smppd::core::message_step> steps;
    steps.emplace_back(smppd::core::message_enroute{7, "c", "x"});  // with a carrier: not waiting
    std::promise<void> done;
    store->write(std::move(steps), [&](auto, auto) { done.set_value(); });
    done.get_future().get();
  }
  std::vector<std::uint64_t> order;
  std::optional<smppd::core::waiting_cursor> after;
  for (;;) {
    const auto page = store->waiting_messages(after, 2);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 2u);
    for (const auto& m : page) order.push_back(m.id);
    after = smppd::core::waiting_cursor{page.back().priority, page.back().id};
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 3, 6, 1, 5}));
}

// A journal row that does not decode is not skipped: the store refuses to open and names it.
TEST_F(message_store_test, a_corrupt_journal_row_stops_the_store_from_opening) {
  {
    auto store = open();
    ASSERT_FALSE(append_sync(*store, sample_message(1)));
    ASSERT_FALSE(append_sync(*store, sample_message(2)));
    const auto copy = dir_ / "crash";
    std::filesystem::create_directories(copy);
    std::filesystem::copy_file(db_file(), copy / "smppd.db");
    std::filesystem::copy_file(dir_ / "smppd.db-wal", copy / "smppd.db-wal");
  }
  const auto crashed = dir_ / "crash" / "smppd.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(crashed.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE journal SET data = x'01030000' WHERE seq = 2", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
  message_store_options o;
  o.synchronous_full = false;
  try {
    sqlite_message_store store(crashed, o);
    FAIL() << "opened a store with a corrupt journal";
  } catch (const smppd::store::sqlite::store_error& e) {
    EXPECT_NE(std::string(e.what()).find("journal row 2"), std::string::npos) << e.what();
  }
}

// The fold goes in small steps and keeps going without new traffic until it has caught up.
TEST_F(message_store_test, the_fold_catches_up_in_small_steps_on_its_own) {
  message_store_options o;
  o.fold_age = 0ms;
  o.fold_interval = 1ms;
  o.fold_step_bytes = 1;  // one journal row per step
  auto store = open(o);
  for (std::uint64_t id = 1; id <= 40; ++id) ASSERT_FALSE(append_sync(*store, sample_message(id)));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (store->journal_rows() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(store->journal_rows(), 0u);
  EXPECT_EQ(count_rows("SELECT count(*) FROM messages"), 40);
}

// The WAL starts over once it passes wal_restart_pages: its file stays near that size
// however much is written.
TEST_F(message_store_test, the_wal_stays_bounded) {
  message_store_options o;
  o.wal_restart_pages = 64;
  o.fold_age = 0ms;
  o.fold_interval = 1ms;
  auto store = open(o);
  for (std::uint64_t id = 1; id <= 3000; ++id) {
    auto m = sample_message(id);
    m.payload.assign(140, 'x');
    ASSERT_FALSE(append_sync(*store, m));
    ASSERT_FALSE(outcome_sync(*store, id, message_state::delivered, ms_now(), 0, {}).first);
  }
  // Written: 6000 commits of at least one page frame each (~24 MiB of WAL had it never
  // started over). The restart waits for the checkpointer's thread, which a busy machine
  // (CI runs tests side by side) delays by a few rounds: 16 x the limit still tells a WAL
  // that starts over from one that grows with what is written.
  const auto wal = std::filesystem::file_size(dir_ / "smppd.db-wal");
  EXPECT_LT(wal, 16u * 64u * 4120u) << wal;
}

TEST_F(message_store_test, message_ids_are_remembered_when_every_message_is_gone) {
  {
    auto store = open();
    ASSERT_FALSE(append_sync(*store, sample_message(77)));
    ASSERT_FALSE(outcome_sync(*store, 77, message_state::delivered, ms_now(), 0, {}).first);
  }
  EXPECT_EQ(count_rows("SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(open()->max_message_id(), 77u);
}

TEST_F(message_store_test, a_full_database_fails_the_whole_batch_and_recovers_when_it_has_room) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, sample_message(1)));
  const auto pages = count_rows("PRAGMA page_count");
  ASSERT_GT(pages, 0);
  store->set_max_pages(static_cast<std::uint64_t>(pages));

  // Big messages so the next batch needs new pages.
  std::atomic<int> full{0}, ok{0}, other{0};
  for (std::uint64_t id = 2; id <= 200; ++id) {
    auto m = sample_message(id);
    m.payload = incompressible<std::vector<std::uint8_t>>(2000, static_cast<std::uint32_t>(id));
    store->append(std::move(m), [&](std::error_code ec) {
      if (!ec) {
        ++ok;
      } else if (ec == errc::full) {
        ++full;
      } else {
        ++other;
      }
    });
  }
  store->flush();
  EXPECT_GT(full.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(full + ok, 199);
  // A failed batch leaves nothing behind: every stored message got an OK.
  EXPECT_EQ(committed_messages(db_file()).size(), 1u + static_cast<std::size_t>(ok.load()));

  // A receipt in a failed batch gets no id and is not counted.
  const auto pending_before = store->pending_count("acme");
  auto m = sample_message(1000);
  m.payload = incompressible<std::vector<std::uint8_t>>(3000, 1000);
  store->append(std::move(m), {});
  auto r = sample_receipt(1);
  r.text = incompressible<std::string>(20000);  // needs overflow pages: no room
  std::promise<std::pair<std::error_code, std::uint64_t>> p;
  store->record_outcome(1, message_state::delivered, ms_now(), 0, r,
                        [&](std::error_code ec, std::uint64_t rid) {
                          p.set_value({ec, rid});
                        });
  auto [ec, rid] = p.get_future().get();
  EXPECT_EQ(ec, errc::full);
  EXPECT_EQ(rid, 0u);
  EXPECT_EQ(store->pending_count("acme"), pending_before);

  // The disk has room again: the next append succeeds without reopening.
  store->set_max_pages(1u << 30);
  auto again = sample_message(5000);
  again.payload = incompressible<std::vector<std::uint8_t>>(2000, 5000);
  EXPECT_FALSE(append_sync(*store, again));
  EXPECT_EQ(committed_messages(db_file()).back().id, 5000u);
}

TEST_F(message_store_test, a_duplicate_id_fails_only_that_append) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, sample_message(1)));
  std::error_code a, b, c;
  store->append(sample_message(2), [&](std::error_code ec) { a = ec; });
  store->append(sample_message(1), [&](std::error_code ec) { b = ec; });
  store->append(sample_message(3), [&](std::error_code ec) { c = ec; });
  store->flush();
  EXPECT_FALSE(a);
  EXPECT_EQ(b, errc::duplicate);
  EXPECT_FALSE(c);
  EXPECT_EQ(committed_messages(db_file()).size(), 3u);
}

TEST_F(message_store_test, many_threads_appending_are_each_acknowledged_exactly_once) {
  constexpr int threads = 4;
  constexpr int per_thread = 10000;
  auto store = open();
  std::vector<std::atomic<int>> acks(threads * per_thread + 1);
  std::atomic<int> errors{0};
  std::vector<std::thread> producers;
  producers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const auto id = static_cast<std::uint64_t>(t) * per_thread + i + 1;
        store->append(sample_message(id), [&, id](std::error_code ec) {
          if (ec) ++errors;
          acks[id].fetch_add(1);
        });
      }
    });
  }
  for (auto& p : producers) p.join();
  store->flush();
  EXPECT_EQ(errors.load(), 0);
  int wrong = 0;
  for (std::size_t id = 1; id < acks.size(); ++id) wrong += acks[id].load() != 1;
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(committed_messages(db_file()).size(), static_cast<std::size_t>(threads * per_thread));
  EXPECT_EQ(store->max_message_id(), static_cast<std::uint64_t>(threads * per_thread));
}

TEST_F(message_store_test, flush_returns_after_every_earlier_completion_has_run) {
  auto store = open();
  store->flush();  // nothing queued: returns at once
  std::atomic<int> done{0};
  for (std::uint64_t id = 1; id <= 1000; ++id) {
    store->append(sample_message(id), [&](std::error_code) { ++done; });
  }
  store->flush();
  EXPECT_EQ(done.load(), 1000);
  EXPECT_EQ(committed_messages(db_file()).size(), 1000u);
}

TEST_F(message_store_test, destruction_completes_everything_queued) {
  std::atomic<int> done{0};
  {
    auto store = open();
    for (std::uint64_t id = 1; id <= 500; ++id) {
      store->append(sample_message(id), [&](std::error_code ec) {
        EXPECT_FALSE(ec);
        ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), 500);
  EXPECT_EQ(count_rows("SELECT count(*) FROM messages"), 500);
}

TEST_F(message_store_test, completions_may_enqueue_the_next_step_of_a_message) {
  auto store = open();
  std::promise<std::error_code> removed;
  store->append(sample_message(1), [&](std::error_code ec) {
    ASSERT_FALSE(ec);
    store->record_outcome(1, message_state::delivered, ms_now(), 0, sample_receipt(1),
                          [&](std::error_code ec2, std::uint64_t rid) {
                            ASSERT_FALSE(ec2);
                            store->remove_receipt(
                                rid, [&](std::error_code ec3) { removed.set_value(ec3); });
                          });
  });
  EXPECT_FALSE(removed.get_future().get());
  EXPECT_EQ(store->pending_count("acme"), 0u);
  EXPECT_TRUE(store->unfinished_messages().empty());
}

}  // namespace
