// The PostgreSQL store and the cluster's records, against a private PostgreSQL started by
// the test (tests/support/postgres_server).
#include "store/postgres/pg_message_store.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>

#include "store/postgres/cluster_store.hpp"
#include "store/postgres/pg_account_store.hpp"
#include "support/postgres_server.hpp"

namespace {

using namespace smppd::core;
using namespace smppd::store::postgres;
using namespace std::chrono_literals;

std::vector<step_result> write_sync(message_store& s, std::vector<message_step> steps) {
  std::promise<std::vector<step_result>> p;
  s.write(std::move(steps), [&](std::span<const step_result> r, std::span<message_step>) {
    p.set_value({r.begin(), r.end()});
  });
  return p.get_future().get();
}

message_record message(std::uint64_t id, std::uint8_t priority = 0) {
  message_record m;
  m.id = id;
  m.system_id = "acme";
  m.priority = priority;
  m.destination_addr = "4512345678";
  const std::string text = "hello " + std::to_string(id);
  m.payload.assign(text.begin(), text.end());
  m.submitted_at = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());  // the store keeps milliseconds
  return m;
}

receipt_record receipt(std::uint64_t message_id) {
  receipt_record r;
  r.system_id = "acme";
  r.message_id = message_id;
  r.text = "id:" + std::to_string(message_id) + " stat:DELIVRD";
  r.created_at =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return r;
}

message_finished finished(std::uint64_t id, bool with_receipt, bool here = true) {
  message_finished f;
  f.message_id = id;
  f.state = message_state::delivered;
  if (with_receipt) f.receipt = receipt(id);
  f.deliver_here = here;
  return f;
}

std::vector<message_step> steps_of(std::vector<message_step> s) { return s; }

node_identity identity(int id, std::string host = "this-host") {
  return {id, "instance-" + std::to_string(id) + host, std::move(host), 0};
}

class pg_store_test : public ::testing::Test {
 protected:
  smppd::test_support::postgres_server pg;
  std::unique_ptr<pg_message_store> open(int node) {
    pg_store_options o;
    o.node_id = node;
    return std::make_unique<pg_message_store>(pg.url(), o);
  }
};

TEST_F(pg_store_test, keeps_a_message_until_final_and_a_receipt_until_acknowledged) {
  cluster_store node1(pg.url(), identity(1), 10s);
  ASSERT_EQ(node1.join(), join_result::joined);  // its row keeps the highest id issued
  auto store = open(1);
  auto m = message(101);
  ASSERT_FALSE(write_sync(*store, steps_of({message_accepted{m}})).front().ec);
  auto unfinished = store->unfinished_messages();
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished.front(), m);  // every field back

  ASSERT_FALSE(write_sync(*store, steps_of({message_enroute{101, "up", "u-1"}})).front().ec);
  unfinished = store->unfinished_messages();
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished.front().state, message_state::enroute);
  EXPECT_EQ(unfinished.front().upstream_id, "u-1");

  const auto done = write_sync(*store, steps_of({finished(101, true)}));
  ASSERT_FALSE(done.front().ec);
  ASSERT_NE(done.front().receipt_id, 0u);
  EXPECT_TRUE(store->unfinished_messages().empty());
  auto receipts = store->pending_receipts(48h);
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts.front().receipt_id, done.front().receipt_id);
  EXPECT_EQ(receipts.front().text, "id:101 stat:DELIVRD");

  ASSERT_FALSE(
      write_sync(*store, steps_of({receipt_acknowledged{done.front().receipt_id}})).front().ec);
  EXPECT_TRUE(store->pending_receipts(48h).empty());
  EXPECT_GE(store->max_message_id(), 101u);
}

TEST_F(pg_store_test, steps_that_cancel_out_in_one_write_leave_nothing) {
  auto store = open(1);
  std::promise<std::uint64_t> id;
  auto results = write_sync(*store, steps_of({message_accepted{message(7)}, finished(7, true)}));
  ASSERT_FALSE(results[1].ec);
  ASSERT_EQ(store->pending_receipts(48h).size(), 1u);
  write_sync(*store, steps_of({message_accepted{message(8)}, finished(8, true),
                               receipt_acknowledged{results[1].receipt_id}}));
  EXPECT_TRUE(store->unfinished_messages().empty());
  EXPECT_EQ(store->pending_receipts(48h).size(), 1u);  // 8's, not 7's
}

TEST_F(pg_store_test, reads_waiting_messages_by_priority_then_age_page_by_page) {
  auto store = open(1);
  write_sync(*store, steps_of({message_accepted{message(1, 0)}, message_accepted{message(2, 3)},
                               message_accepted{message(3, 1)}, message_accepted{message(4, 3)},
                               message_accepted{message(5, 0)}}));
  write_sync(*store, steps_of({message_enroute{4, "up", "x"}}));
  const auto first = store->waiting_messages(std::nullopt, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, 2u);
  EXPECT_EQ(first[1].id, 3u);
  const auto rest = store->waiting_messages(waiting_cursor{1, 3}, 10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].id, 1u);
  EXPECT_EQ(rest[1].id, 5u);
  EXPECT_TRUE(open(2)->waiting_messages(std::nullopt, 10).empty());  // another node's
}

TEST_F(pg_store_test, fails_writes_while_postgresql_is_down_and_recovers_by_itself) {
  auto store = open(1);
  std::vector<std::string> reports;
  ASSERT_FALSE(write_sync(*store, steps_of({message_accepted{message(1)}})).front().ec);
  pg.stop();
  EXPECT_EQ(write_sync(*store, steps_of({message_accepted{message(2)}})).front().ec,
            errc::unavailable);
  pg.start();
  std::error_code ec = errc::unavailable;
  for (int i = 0; i < 50 && ec; ++i) {
    ec = write_sync(*store, steps_of({message_accepted{message(3)}})).front().ec;
    if (ec) std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(ec);
  const auto unfinished = store->unfinished_messages();
  ASSERT_EQ(unfinished.size(), 2u);  // 1 and 3: never 2, which was refused
  EXPECT_EQ(unfinished[0].id, 1u);
  EXPECT_EQ(unfinished[1].id, 3u);
}

TEST_F(pg_store_test, receipts_for_any_node_are_claimed_once_by_a_node_that_asks) {
  auto store = open(1);
  write_sync(*store, steps_of({message_accepted{message(1)}, message_accepted{message(2)},
                               message_accepted{message(3)}}));
  write_sync(*store, steps_of({finished(1, true, false), finished(2, true, false),
                               finished(3, true, true)}));
  EXPECT_EQ(store->pending_receipts(48h).size(), 1u);  // only 3's is node 1's
  cluster_store node2(pg.url(), identity(2), 10s);
  ASSERT_EQ(node2.join(), join_result::joined);
  const auto first = node2.claim("acme", 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].message_id, 1u);  // oldest first
  const auto second = node2.claim("acme", 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].message_id, 2u);
  EXPECT_TRUE(node2.claim("acme", 10).empty());
  node2.release({first[0].receipt_id});
  EXPECT_EQ(node2.claim("acme", 10).size(), 1u);
}

TEST_F(pg_store_test, a_stopped_node_is_taken_over_once_with_its_messages_and_receipts) {
  cluster_store node1(pg.url(), identity(1), 1s);
  cluster_store node2(pg.url(), identity(2), 1s);
  ASSERT_EQ(node1.join(), join_result::joined);
  ASSERT_EQ(node2.join(), join_result::joined);
  auto store = open(1);
  write_sync(*store, steps_of({message_accepted{message(1)}, message_accepted{message(2)}}));
  write_sync(*store, steps_of({finished(2, true, true)}));
  EXPECT_TRUE(node2.gone_nodes().empty());
  node1.leave();
  ASSERT_EQ(node2.gone_nodes(), std::vector<int>{1});
  const auto taken = node2.take_over(1);
  ASSERT_TRUE(taken.has_value());
  ASSERT_EQ(taken->messages.size(), 1u);
  EXPECT_EQ(taken->messages[0].id, 1u);
  EXPECT_FALSE(node2.take_over(1).has_value());  // once
  EXPECT_TRUE(node2.gone_nodes().empty());
  EXPECT_EQ(open(2)->unfinished_messages().size(), 1u);  // node 2's now
  EXPECT_EQ(node2.claim("acme", 10).size(), 1u);         // 2's receipt is anyone's after leave
}

// Webhooks have no receiver session: a node that left hands them to any live node, which
// claims them whatever accounts it serves.
TEST_F(pg_store_test, webhooks_of_a_node_that_left_are_claimed_by_any_node) {
  cluster_store node1(pg.url(), identity(1), 1s);
  cluster_store node2(pg.url(), identity(2), 1s);
  ASSERT_EQ(node1.join(), join_result::joined);
  ASSERT_EQ(node2.join(), join_result::joined);
  auto store = open(1);
  auto hook = receipt(7);
  hook.webhook_url = "http://hooks.example/status";
  write_sync(*store, steps_of({message_accepted{message(7)}, message_accepted{message(8)},
                               mo_received{hook, true}, finished(8, true, true)}));
  EXPECT_TRUE(node2.claim_webhooks(10).empty());  // node 1's while it is here
  node1.leave();
  const auto claimed = node2.claim_webhooks(10);
  ASSERT_EQ(claimed.size(), 1u);  // the webhook, not the receipt of 8
  EXPECT_EQ(claimed[0].webhook_url, "http://hooks.example/status");
  EXPECT_EQ(claimed[0].message_id, 7u);
  EXPECT_TRUE(node2.claim_webhooks(10).empty());  // once
}

TEST_F(pg_store_test, a_silent_node_is_gone_after_dead_after_and_its_id_is_free_again) {
  cluster_store node1(pg.url(), identity(1, "other-host"), 1s);
  cluster_store node2(pg.url(), identity(2), 1s);
  ASSERT_EQ(node1.join(), join_result::joined);
  ASSERT_EQ(node2.join(), join_result::joined);
  cluster_store twin(pg.url(), identity(1, "third-host"), 1s);
  EXPECT_EQ(twin.join(), join_result::id_in_use);  // node 1 is alive elsewhere
  std::this_thread::sleep_for(1500ms);             // node 1 sends no heartbeat
  EXPECT_TRUE(node2.heartbeat());
  EXPECT_EQ(node2.gone_nodes(), std::vector<int>{1});
  EXPECT_EQ(twin.join(), join_result::joined);
  EXPECT_FALSE(node1.heartbeat());  // its row is another start's now
}

TEST_F(pg_store_test, binds_on_other_live_nodes_count) {
  cluster_store n1(pg.url(), identity(1), 10s);
  cluster_store n2(pg.url(), identity(2), 10s);
  ASSERT_EQ(n1.join(), join_result::joined);
  ASSERT_EQ(n2.join(), join_result::joined);
  pg_account_store a1(pg.url(), 1), a2(pg.url(), 2);
  a1.publish("acme", 2);
  a2.publish("acme", 1);
  EXPECT_EQ(a1.bound_elsewhere("acme").sessions, 1u);
  EXPECT_EQ(a1.bound_elsewhere("acme").nodes, 1u);
  EXPECT_EQ(a2.bound_elsewhere("acme").sessions, 2u);
  EXPECT_EQ(a2.bound_elsewhere("globex").sessions, 0u);
  a2.publish("acme", 0);  // node 2's last session of it ended
  EXPECT_EQ(a1.bound_elsewhere("acme").nodes, 0u);
  n1.leave();  // a stopped node's binds no longer count
  EXPECT_EQ(a2.bound_elsewhere("acme").sessions, 0u);
}

TEST_F(pg_store_test, while_postgresql_is_down_accounts_read_before_still_bind) {
  pg_account_store accounts(pg.url(), 1);
  smppd::account::account acme;
  acme.system_id = "acme";
  acme.password_hash = "hash";
  ASSERT_TRUE(accounts.add(acme));
  ASSERT_TRUE(accounts.find("acme").has_value());
  pg.stop();
  const auto remembered = accounts.find("acme");
  ASSERT_TRUE(remembered.has_value());
  EXPECT_EQ(remembered->password_hash, "hash");
  EXPECT_THROW(accounts.find("never-seen"), pg_error);
  pg.start();
  std::this_thread::sleep_for(1100ms);  // one connection attempt per second while down
  EXPECT_FALSE(accounts.find("never-seen").has_value());
}

}  // namespace
