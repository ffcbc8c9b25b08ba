// The engine in-process, on a real SQLite store in a scratch folder and fake receiver
// sessions: durability before ESME_ROK, the store's faults as command_status, receipts
// handed out, acknowledged, re-sent, and rebuilt after a restart. The engine is not
// start()ed: each test drives it on its own thread with a manual clock (settle()), so
// nothing depends on sleeping or on how fast the machine is.
#include "gateway/engine.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <sstream>

#include "dlr/deliver.hpp"
#include "store/sqlite/sqlite_message_store.hpp"
#include "support/committed_store.hpp"
#include "support/incompressible.hpp"
#include "support/responder.hpp"

namespace {

using namespace std::chrono_literals;
using smppd::wall_time;
using smppd::core::message_record;
using smppd::core::receipt_ack;
using smppd::core::receipt_ptr;
using smppd::gateway::engine;
using smppd::smpp::command_status;
using smppd::store::sqlite::sqlite_message_store;
using smppd::test_support::incompressible;

// A receiver session: records what it was given.
class fake_session final : public smppd::core::receipt_target {
 public:
  void deliver(std::vector<receipt_ptr> receipts) override {
    std::lock_guard lock(mutex_);
    for (auto& r : receipts) got_.push_back(std::move(r));
    cv_.notify_all();
  }
  // Waits until at least `n` receipts arrived in all; returns them all.
  std::vector<receipt_ptr> wait_for(std::size_t n, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return got_.size() >= n; });
    return got_;
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return got_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<receipt_ptr> got_;
};

// Log lines kept under the sink's own lock, so the test reads them while the store's
// writer thread may log.
class log_capture final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string text() {
    std::lock_guard lock(this->mutex_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    text_.append(msg.payload.data(), msg.payload.size());
    text_ += '\n';
  }
  void flush_() override {}

 private:
  std::string text_;
};

smppd::config::simulator_config simulator(int delay_ms) {
  smppd::config::simulator_config c;
  c.default_status = "DELIVRD";
  c.default_delay_ms = static_cast<std::uint32_t>(delay_ms);
  smppd::config::simulator_rule undeliverable;
  undeliverable.prefix = "4599";
  undeliverable.status = "UNDELIV";
  undeliverable.error = 0x107E;
  undeliverable.delay_ms = 0;
  c.rules.push_back(undeliverable);
  return c;
}

class engine_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smppd-engine-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_ = std::make_shared<spdlog::logger>("engine_test", log_sink_);
  }
  void TearDown() override {
    engines_.clear();
    stores_.clear();
    std::filesystem::remove_all(dir_);
  }

  sqlite_message_store& open_store() {
    smppd::store::sqlite::message_store_options options;
    options.synchronous_full = false;  // the tests check ordering, not power loss
    options.clock = &clock_;
    stores_.push_back(std::make_unique<sqlite_message_store>(dir_ / "smppd.db", options));
    return *stores_.back();
  }
  engine& make_engine(sqlite_message_store& store, int delay_ms = 0,
                      smppd::gateway::engine_settings settings = {}) {
    settings.outcome_retry = 50ms;
    settings.receipts.retry_first = 50ms;
    engines_.push_back(
        std::make_unique<engine>(store, simulator(delay_ms), settings, log_, clock_));
    return *engines_.back();
  }
  // Runs the engine until nothing is left to do at the clock's time: a turn, the store's
  // completions and what they hand over.
  void settle(engine& e) {
    e.tick();
    for (int rounds = 0; rounds < 1000; ++rounds) {
      for (auto& s : stores_) s->flush();
      if (e.poll() == 0) return;
    }
    FAIL() << "the engine never settled";
  }
  void restart() {
    engines_.clear();
    stores_.clear();
  }

  message_record message(std::string destination, std::uint8_t registered_delivery = 1) {
    message_record m;
    m.id = next_id_++;
    m.system_id = "acme";
    m.submitted_at = clock_.now();
    m.source_addr_ton = 5;
    m.source_addr = "Acme";
    m.dest_addr_ton = 1;
    m.dest_addr_npi = 1;
    m.destination_addr = std::move(destination);
    m.registered_delivery = registered_delivery;
    m.payload = {'h', 'i'};
    return m;
  }
  // Webhook records the engine hands over, collected in hooks_.
  void collect_webhooks(engine& e) {
    smppd::gateway::webhook_hooks h;
    h.deliver = [this](std::vector<smppd::core::receipt_record> records) {
      for (auto& r : records) hooks_.push_back(std::move(r));
    };
    e.set_webhook_hooks(std::move(h));
  }
  // A message for an hour from now, with a status webhook.
  message_record scheduled_with_webhook(std::string destination) {
    auto m = message(std::move(destination), 0);
    m.schedule_delivery_time = clock_.now() + std::chrono::hours(1);
    m.callback_url = "http://hooks.example/x";
    return m;
  }
  static command_status submit(engine& e, message_record m) {
    std::promise<command_status> p;
    e.accept(std::move(m), [&](command_status s) { p.set_value(s); });
    return p.get_future().get();
  }

  std::filesystem::path dir_;
  smppd::manual_clock clock_;
  std::shared_ptr<log_capture> log_sink_ = std::make_shared<log_capture>();
  std::shared_ptr<spdlog::logger> log_;
  std::vector<smppd::core::receipt_record> hooks_;  // collect_webhooks; outlives the engines
  std::vector<std::unique_ptr<sqlite_message_store>> stores_;
  std::vector<std::unique_ptr<engine>> engines_;
  std::uint64_t next_id_ = 1000;
};

TEST_F(engine_test, esme_rok_comes_after_the_message_is_in_the_store) {
  auto& store = open_store();
  auto& e = make_engine(store, 60'000);  // the carrier keeps it: it stays unfinished
  ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  // What the ROK promised is in the file at once, with its fields (a crash now would find
  // it when the journal is replayed).
  const auto unfinished = smppd::test_support::committed_messages(dir_ / "smppd.db");
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0].id, 1000u);
  EXPECT_EQ(unfinished[0].destination_addr, "4512345678");
  EXPECT_EQ(unfinished[0].registered_delivery, 1);
  EXPECT_EQ(unfinished[0].parts, 1);
}

TEST_F(engine_test, messages_handed_over_together_get_a_status_each_in_order) {
  auto& store = open_store();
  auto& e = make_engine(store, 60'000);
  ASSERT_EQ(submit(e, message("4500000001")), command_status::esme_rok);  // id 1000
  std::vector<message_record> batch;
  batch.push_back(message("4500000002"));  // 1001
  auto again = message("4500000003");      // 1002, made
  again.id = 1000;                         // ... a duplicate: already stored, only this one fails
  batch.push_back(std::move(again));
  batch.push_back(message("4500000004"));  // 1003
  std::promise<std::vector<command_status>> got;
  int calls = 0;
  e.accept(std::move(batch), [&](std::span<const command_status> statuses) {
    ++calls;
    got.set_value({statuses.begin(), statuses.end()});
  });
  EXPECT_EQ(got.get_future().get(),
            (std::vector<command_status>{command_status::esme_rok, command_status::esme_rsyserr,
                                         command_status::esme_rok}));
  EXPECT_EQ(calls, 1);
  // The two accepted ones are durable, the refused one did not replace the first.
  const auto unfinished = smppd::test_support::committed_messages(dir_ / "smppd.db");
  ASSERT_EQ(unfinished.size(), 3u);
  EXPECT_EQ(unfinished[0].destination_addr, "4500000001");
  EXPECT_EQ(unfinished[1].id, 1001u);
  EXPECT_EQ(unfinished[2].id, 1003u);
  EXPECT_EQ(e.counters().accepted, 3u);
  EXPECT_EQ(e.counters().refused, 1u);
}

TEST_F(engine_test, an_empty_hand_over_is_answered_at_once) {
  auto& e = make_engine(open_store(), 60'000);
  bool answered = false;
  e.accept(std::vector<message_record>{},
           [&](std::span<const command_status> statuses) { answered = statuses.empty(); });
  EXPECT_TRUE(answered);
}

TEST_F(engine_test, a_receipt_goes_to_the_receiver_and_leaves_the_store_when_acknowledged) {
  auto& store = open_store();
  auto& e = make_engine(store);
  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  ASSERT_EQ(submit(e, message("4599123")), command_status::esme_rok);
  settle(e);
  const auto got = session->wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]->message_id, 1000u);
  EXPECT_EQ(got[0]->message_state, 5);  // UNDELIV
  EXPECT_NE(got[0]->text.find("stat:UNDELIV err:126"), std::string::npos) << got[0]->text;
  EXPECT_EQ(store.pending_count("acme"), 1u);

  const receipt_ack ack{got[0]->receipt_id, true};
  e.acked(1, {&ack, 1});
  store.flush();
  EXPECT_EQ(store.pending_count("acme"), 0u);
  EXPECT_EQ(e.counters().receipts_acked, 1u);
}

// REST messages and accounts with a webhook: each status goes out as a durable webhook
// record, written with its outcome, and leaves the store once the webhook is done. A
// restart hands undone webhooks over again; receivers never see them.
TEST_F(engine_test, a_status_webhook_is_durable_with_its_outcome_and_handed_over_again) {
  std::vector<smppd::core::receipt_record> hooks;
  std::vector<std::string> statuses;
  auto wire = [&](engine& e) {
    smppd::gateway::webhook_hooks h;
    h.deliver = [&](std::vector<smppd::core::receipt_record> records) {
      for (auto& r : records) hooks.push_back(std::move(r));
    };
    h.status = [&](const message_record& m, smppd::dlr::receipt_status s, std::uint32_t,
                   wall_time) {
      statuses.push_back(std::to_string(m.batch_id) + ":" +
                         std::string(smppd::dlr::webhook_status(s)));
    };
    e.set_webhook_hooks(std::move(h));
  };
  {
    auto& store = open_store();
    auto& e = make_engine(store);
    wire(e);
    auto session = std::make_shared<fake_session>();
    e.attach(1, "acme", 10, session);
    auto m = message("4599123", 0);  // no SMPP receipt asked for
    m.batch_id = 777;
    m.callback_url = "http://hooks.example/x";
    m.userref = "ref";
    ASSERT_EQ(submit(e, m), command_status::esme_rok);
    settle(e);
    ASSERT_EQ(hooks.size(), 1u);
    EXPECT_EQ(hooks[0].webhook_url, "http://hooks.example/x");
    EXPECT_EQ(hooks[0].message_id, 777u);
    EXPECT_EQ(hooks[0].text, "UNDELIVERABLE");
    EXPECT_NE(hooks[0].receipt_id, 0u);
    EXPECT_EQ(statuses, std::vector<std::string>{"777:UNDELIVERABLE"});
    EXPECT_EQ(session->count(), 0u);
    EXPECT_EQ(store.pending_count("acme"), 1u);
  }
  restart();
  hooks.clear();
  {
    auto& store = open_store();
    auto& e = make_engine(store);
    wire(e);
    e.recover();
    ASSERT_EQ(hooks.size(), 1u);  // not done before the restart: again
    EXPECT_EQ(hooks[0].message_id, 777u);
    const std::uint64_t id = hooks[0].receipt_id;
    e.webhooks_done({&id, 1});
    store.flush();
    EXPECT_EQ(store.pending_count("acme"), 0u);
  }
}

// A message accepted for later (REST sendtime, SMPP schedule_delivery_time) with a webhook
// says so at once: SCHEDULED, durable in the same transaction as the message.
TEST_F(engine_test, a_message_scheduled_for_later_sends_a_scheduled_webhook_when_accepted) {
  auto& store = open_store();
  auto& e = make_engine(store);
  collect_webhooks(e);
  auto later = scheduled_with_webhook("4512345678");
  later.batch_id = 555;
  later.userref = "ref-7";
  auto now = message("4512345679", 0);  // no delivery time: nothing until its outcome
  now.callback_url = "http://hooks.example/x";
  auto silent = message("4512345670", 0);  // scheduled, no webhook
  silent.schedule_delivery_time = clock_.now() + std::chrono::hours(1);
  std::promise<std::vector<command_status>> answered;
  e.accept({later, now, silent}, [&](std::span<const command_status> s) {
    answered.set_value({s.begin(), s.end()});
  });
  store.flush();
  e.poll();  // the completions handed over, no turn of the engine yet
  EXPECT_EQ(answered.get_future().get(), std::vector<command_status>(3, command_status::esme_rok));
  // The message without a delivery time may have had its outcome meanwhile (simulator
  // delay 0): only SCHEDULED webhooks count here, and only `later` has one.
  std::vector<smppd::core::receipt_record> scheduled;
  for (auto& r : hooks_)
    if (r.text == "SCHEDULED") scheduled.push_back(r);
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0].message_id, 555u);
  EXPECT_EQ(scheduled[0].webhook_url, "http://hooks.example/x");
  EXPECT_EQ(std::string(scheduled[0].user_message_reference.begin(),
                        scheduled[0].user_message_reference.end()),
            "ref-7");
  EXPECT_EQ(scheduled[0].source_addr, "4512345678");
  EXPECT_NE(scheduled[0].receipt_id, 0u);  // durable: in the store until done
}

TEST_F(engine_test, cancel_finishes_a_scheduled_message_as_deleted_and_leaves_others) {
  auto& store = open_store();
  auto& e = make_engine(store);
  collect_webhooks(e);
  auto later = scheduled_with_webhook("4512345678");
  ASSERT_EQ(submit(e, later), command_status::esme_rok);
  settle(e);
  std::size_t cancelled = 99;
  e.cancel({later.id, 424242}, [&](std::size_t n) { cancelled = n; });
  settle(e);
  EXPECT_EQ(cancelled, 1u);
  ASSERT_EQ(hooks_.size(), 2u);
  EXPECT_EQ(hooks_[0].text, "SCHEDULED");
  EXPECT_EQ(hooks_[1].text, "DELETED");
  EXPECT_TRUE(smppd::test_support::committed_messages(dir_ / "smppd.db").empty());
  e.cancel({later.id}, [&](std::size_t n) { cancelled = n; });  // already final
  settle(e);
  EXPECT_EQ(cancelled, 0u);
}

// The one test on the engine's own thread (start()), with the real clock: what the others
// check step by step also works with the threads as in production (and under TSan).
TEST(engine_thread_test, a_started_engine_delivers_and_forgets_acknowledged_receipts) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("smppd-engine-thread-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    smppd::store::sqlite::message_store_options options;
    options.synchronous_full = false;
    sqlite_message_store store(dir / "smppd.db", options);
    engine e(store, simulator(0), {}, spdlog::default_logger());
    e.start();
    auto session = std::make_shared<fake_session>();
    e.attach(1, "acme", 10, session);
    for (std::uint64_t id = 1; id <= 20; ++id) {
      message_record m;
      m.id = id;
      m.system_id = "acme";
      m.submitted_at = std::chrono::system_clock::now();
      m.destination_addr = "4512345678";
      m.registered_delivery = 1;
      std::promise<command_status> done;
      e.accept(std::move(m), [&](command_status s) { done.set_value(s); });
      ASSERT_EQ(done.get_future().get(), command_status::esme_rok);
    }
    const auto got = session->wait_for(10);  // the window
    ASSERT_EQ(got.size(), 10u);
    std::vector<receipt_ack> acks;
    for (const auto& r : got) acks.push_back({r->receipt_id, true});
    e.acked(1, acks);
    EXPECT_EQ(session->wait_for(20).size(), 20u);
    e.stop();
    EXPECT_EQ(e.counters().receipts_acked, 10u);
    EXPECT_EQ(store.pending_count("acme"), 10u);
  }
  std::filesystem::remove_all(dir);
}

// A carrier down with more messages waiting than memory may hold: the rest stay in the store
// and are read back page by page once it is up; each goes out once and gets its receipt.
TEST(engine_thread_test, a_carrier_that_is_down_keeps_memory_bounded_and_loses_nothing) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("smppd-engine-carrier-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  asio::io_context responder_io;
  auto probe = asio::ip::tcp::acceptor(responder_io, {asio::ip::address_v4::loopback(), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();  // nothing listens there until the carrier is "up"
  {
    smppd::store::sqlite::message_store_options options;
    options.synchronous_full = false;
    sqlite_message_store store(dir / "smppd.db", options);
    smppd::gateway::engine_settings settings;
    smppd::config::carrier_config up;
    up.name = "up";
    up.hosts = {{"127.0.0.1", port}};
    up.system_id = "gw";
    up.reconnect_delay_s = 1;
    settings.carriers = {up};
    settings.routes = {{{}, {}, {}, {"up"}}};
    settings.pipeline.max_waiting_in_memory = 20;
    settings.pipeline.refill_page = 7;
    engine e(store, simulator(0), settings, spdlog::default_logger());
    e.start();
    auto session = std::make_shared<fake_session>();
    e.attach(1, "acme", 1000, session);
    constexpr std::uint64_t n = 200;
    for (std::uint64_t id = 1; id <= n; ++id) {
      message_record m;
      m.id = id;
      m.system_id = "acme";
      m.submitted_at = std::chrono::system_clock::now();
      m.destination_addr = "4512345678";
      m.registered_delivery = 1;
      m.payload = {'h', 'i'};
      std::promise<command_status> done;
      e.accept(std::move(m), [&](command_status s) { done.set_value(s); });
      ASSERT_EQ(done.get_future().get(), command_status::esme_rok);
    }
    std::this_thread::sleep_for(300ms);
    const auto down = e.carriers();
    EXPECT_EQ(down.waiting_in_memory, 20u);
    EXPECT_EQ(down.waiting_in_store, n - 20);
    ASSERT_EQ(down.carriers.size(), 1u);
    EXPECT_EQ(down.carriers[0].waiting, n);
    EXPECT_EQ(down.carriers[0].bound_sessions, 0u);

    smppd::test_support::responder_options ro;
    ro.receipts = true;
    auto responder = smppd::test_support::responder::create(responder_io, "127.0.0.1", port, ro);
    responder->start();
    std::thread responder_thread([&] { responder_io.run(); });
    const auto got = session->wait_for(n, 20s);
    std::set<std::uint64_t> ids;
    for (const auto& r : got) ids.insert(r->message_id);
    EXPECT_EQ(ids.size(), n);
    EXPECT_EQ(got.size(), n);
    EXPECT_EQ(responder->stats().submits.load(), n);  // each sent once
    const auto after = e.carriers();
    EXPECT_EQ(after.waiting_in_store, 0u);
    EXPECT_EQ(after.carriers[0].waiting, 0u);
    e.stop();
    responder_io.stop();
    responder_thread.join();
    responder->stop();  // its sockets belong to responder_io's thread while that runs
  }
  std::filesystem::remove_all(dir);
}

TEST_F(engine_test, no_receipt_without_registered_delivery_but_the_outcome_is_recorded) {
  auto& store = open_store();
  auto& e = make_engine(store);
  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  ASSERT_EQ(submit(e, message("4512345678", 0)), command_status::esme_rok);
  settle(e);
  EXPECT_EQ(e.counters().final_outcomes, 1u);
  store.flush();
  EXPECT_TRUE(store.unfinished_messages().empty());
  EXPECT_EQ(session->count(), 0u);
}

TEST_F(engine_test, receipts_of_a_session_that_ends_unacknowledged_go_to_another) {
  auto& store = open_store();
  auto& e = make_engine(store);
  auto first = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, first);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  settle(e);
  ASSERT_EQ(first->wait_for(3).size(), 3u);

  auto second = std::make_shared<fake_session>();
  e.attach(2, "acme", 10, second);
  e.detach(1);
  const auto again = second->wait_for(3);
  ASSERT_EQ(again.size(), 3u);
  std::set<std::uint64_t> ids;
  for (const auto& r : again) ids.insert(r->message_id);
  EXPECT_EQ(ids, (std::set<std::uint64_t>{1000, 1001, 1002}));
}

TEST_F(engine_test, a_session_gone_without_detaching_hands_its_receipts_on) {
  auto& store = open_store();
  auto& e = make_engine(store);
  auto survivor = std::make_shared<fake_session>();
  {
    auto gone = std::make_shared<fake_session>();
    e.attach(1, "acme", 1, gone);
    e.attach(2, "acme", 1, survivor);
  }  // session 1 destroyed, never detached
  ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  settle(e);
  ASSERT_GE(survivor->wait_for(1).size(), 1u);
}

TEST_F(engine_test, an_error_ack_brings_the_receipt_back_later) {
  auto& store = open_store();
  auto& e = make_engine(store);
  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  settle(e);
  const auto first = session->wait_for(1);
  ASSERT_EQ(first.size(), 1u);
  const receipt_ack refused{first[0]->receipt_id, false};
  e.acked(1, {&refused, 1});
  settle(e);
  EXPECT_EQ(session->count(), 1u);  // not before its retry time
  clock_.advance(50ms);
  settle(e);
  const auto both = session->wait_for(2);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1]->receipt_id, first[0]->receipt_id);
}

TEST_F(engine_test, a_full_store_answers_rmsgqful_logs_it_and_recovers_when_there_is_room) {
  auto& store = open_store();
  auto& e = make_engine(store, 60'000);
  ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  store.flush();
  store.set_max_pages(1);  // never below the current size: no new page can be added

  int full = 0;
  for (int i = 0; i < 50; ++i) {
    auto m = message("4512345678");
    m.payload = incompressible<std::vector<std::uint8_t>>(3000, static_cast<std::uint32_t>(i));
    full += submit(e, std::move(m)) == command_status::esme_rmsgqful ? 1 : 0;
  }
  EXPECT_GT(full, 0);
  EXPECT_NE(log_sink_->text().find("ESME_RMSGQFUL"), std::string::npos) << log_sink_->text();
  EXPECT_EQ(e.counters().refused, static_cast<std::uint64_t>(full));

  store.set_max_pages(1u << 30);
  auto m = message("4512345678");
  m.payload = incompressible<std::vector<std::uint8_t>>(3000, 99);
  EXPECT_EQ(submit(e, std::move(m)), command_status::esme_rok);
  EXPECT_NE(log_sink_->text().find("writes succeed again"), std::string::npos) << log_sink_->text();
}

TEST_F(engine_test, an_outcome_the_store_could_not_record_is_recorded_later) {
  auto& store = open_store();
  auto& e = make_engine(store, 1500);  // the verdict comes when the clock says so
  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  auto m = message("4512345678");
  m.user_message_reference =  // the receipt needs new pages too
      incompressible<std::vector<std::uint8_t>>(4000);
  ASSERT_EQ(submit(e, std::move(m)), command_status::esme_rok);
  store.flush();
  settle(e);  // with the carrier
  store.set_max_pages(1);
  clock_.advance(1500ms);
  settle(e);  // the verdict came and could not be written
  EXPECT_EQ(session->count(), 0u);
  EXPECT_EQ(e.counters().final_outcomes, 0u);
  store.set_max_pages(1u << 30);
  clock_.advance(50ms);  // outcome_retry
  settle(e);
  EXPECT_EQ(session->wait_for(1).size(), 1u);
}

TEST_F(engine_test, a_restart_rebuilds_unfinished_messages_and_pending_receipts) {
  {
    auto& store = open_store();
    auto& e = make_engine(store, 10'000);  // the second message is still with the carrier at stop()
    ASSERT_EQ(submit(e, message("4599000")), command_status::esme_rok);     // receipt, unacked
    ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);  // still with carrier
    settle(e);
    ASSERT_EQ(e.counters().receipts_queued, 1u);
    e.stop();
  }
  restart();
  auto& store = open_store();
  auto& e = make_engine(store, 0);
  const auto recovered = e.recover();
  EXPECT_EQ(recovered.messages, 1u);
  EXPECT_EQ(recovered.receipts, 1u);
  EXPECT_EQ(recovered.max_message_id, 1001u);
  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  settle(e);
  const auto got = session->wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  std::set<std::uint64_t> ids{got[0]->message_id, got[1]->message_id};
  EXPECT_EQ(ids, (std::set<std::uint64_t>{1000, 1001}));
}

// Housekeeping: receipts past retention leave the queue and the store. Retention 0 makes
// everything "old" at once. Finished messages are not kept: folded, the tables are empty.
TEST_F(engine_test, housekeeping_drops_receipts_past_retention_and_nothing_finished_is_kept) {
  auto& store = open_store();
  smppd::gateway::engine_settings settings;
  settings.receipts.retention = 0s;
  settings.housekeeping_interval = 1s;  // the first run comes one interval after start
  auto& e = make_engine(store, 0, settings);
  ASSERT_EQ(submit(e, message("4512345678", 1)), command_status::esme_rok);  // receipt queued
  ASSERT_EQ(submit(e, message("4512345678", 0)), command_status::esme_rok);
  settle(e);
  EXPECT_EQ(e.counters().receipts_expired, 0u);
  clock_.advance(1s);
  settle(e);
  EXPECT_EQ(e.counters().receipts_expired, 1u);
  store.flush();
  EXPECT_EQ(store.pending_count("acme"), 0u);

  auto messages_left = [&] {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "smppd.db").c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM messages", -1, &s, nullptr);
    sqlite3_step(s);
    const auto n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  };
  store.fold_all();
  EXPECT_EQ(messages_left(), 0);
  EXPECT_EQ(store.journal_rows(), 0u);
  EXPECT_NE(log_sink_->text().find("1 receipts unacknowledged for 0 h dropped"), std::string::npos)
      << log_sink_->text();
}

TEST_F(engine_test, counters_reach_the_log_now_and_then_when_something_happened) {
  auto& store = open_store();
  smppd::gateway::engine_settings settings;
  settings.stats_interval = 1s;
  auto& e = make_engine(store, 0, settings);
  ASSERT_EQ(submit(e, message("4512345678", 0)), command_status::esme_rok);
  ASSERT_EQ(submit(e, message("4512345678", 0)), command_status::esme_rok);
  settle(e);
  EXPECT_EQ(log_sink_->text().find("messages accepted"), std::string::npos);
  clock_.advance(1s);
  settle(e);
  EXPECT_NE(log_sink_->text().find("last 1 s: 2 messages accepted, 0 refused, 2 final outcomes"),
            std::string::npos)
      << log_sink_->text();
  // Nothing happened since: no second line.
  const auto lines = log_sink_->text().size();
  clock_.advance(1500ms);
  settle(e);
  EXPECT_EQ(log_sink_->text().size(), lines) << log_sink_->text();
}

TEST_F(engine_test, receipts_dropped_for_the_cap_are_one_line_per_account_per_interval) {
  auto& store = open_store();
  smppd::gateway::engine_settings settings;
  settings.receipts.max_pending_per_account = 2;
  settings.drop_log_interval = 10s;
  auto& e = make_engine(store, 0, settings);
  const auto count_lines = [&](const std::string& needle) {
    const auto text = log_sink_->text();
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  };
  // No receiver: every receipt beyond 2 per account is dropped, one settle at a time.
  for (int i = 0; i < 12; ++i) {
    auto m = message("4599" + std::to_string(100 + i));
    if (i % 3 == 0) m.system_id = "beta";
    ASSERT_EQ(submit(e, std::move(m)), command_status::esme_rok);
    settle(e);
  }
  EXPECT_EQ(e.counters().receipts_dropped, 6u + 2u);
  EXPECT_EQ(count_lines("receipts dropped"), 0u) << log_sink_->text();
  clock_.advance(10s);
  settle(e);
  EXPECT_EQ(count_lines("receipts dropped"), 2u) << log_sink_->text();
  EXPECT_EQ(count_lines("account acme: 6 unacknowledged receipts dropped in the last 10 s"), 1u)
      << log_sink_->text();
  EXPECT_EQ(count_lines("account beta: 2 unacknowledged receipts dropped"), 1u)
      << log_sink_->text();
  // Nothing dropped since: nothing more.
  clock_.advance(30s);
  settle(e);
  EXPECT_EQ(count_lines("receipts dropped"), 2u) << log_sink_->text();
}

}  // namespace

namespace {

// In a cluster (engine_settings::shared_store) the engine holds only the receipts it
// delivers itself; the rest wait in the store for whichever node claims them.
TEST_F(engine_test, in_a_cluster_only_receipts_for_a_receiver_here_are_held_here) {
  auto& store = open_store();
  smppd::gateway::engine_settings settings;
  settings.shared_store = true;
  auto& e = make_engine(store, 0, settings);
  ASSERT_EQ(submit(e, message("4512345678")), command_status::esme_rok);
  settle(e);
  EXPECT_EQ(e.pending_receipts(), 0u);  // no receiver here: left for another node
  EXPECT_EQ(store.pending_count("acme"), 1u);

  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  EXPECT_EQ(e.receipt_room(), (std::vector<std::pair<std::string, std::size_t>>{{"acme", 1024}}));
  ASSERT_EQ(submit(e, message("4512345679")), command_status::esme_rok);
  settle(e);
  ASSERT_EQ(session->wait_for(1).size(), 1u);
  EXPECT_EQ(e.pending_receipts(), 1u);

  // Claimed from the store for this receiver: delivered like its own.
  auto claimed = *session->wait_for(1).front();
  claimed.receipt_id += 1000;
  claimed.message_id = 4242;
  e.take_receipts({claimed});
  settle(e);
  const auto got = session->wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1]->message_id, 4242u);

  // The receiver goes: what it carried unacknowledged is given back, not kept here.
  e.detach(1);
  auto released = e.release_unattended();
  std::sort(released.begin(), released.end());
  EXPECT_EQ(released, (std::vector<std::uint64_t>{got[0]->receipt_id, got[1]->receipt_id}));
  EXPECT_EQ(e.pending_receipts(), 0u);
}

TEST_F(engine_test, in_a_cluster_adopted_messages_go_on_to_their_outcome) {
  auto& store = open_store();
  smppd::gateway::engine_settings settings;
  settings.shared_store = true;
  auto& e = make_engine(store, 0, settings);
  auto adopted = message("4599000");  // UNDELIV at once
  adopted.id = 777;
  e.adopt({adopted});
  settle(e);
  settle(e);
  EXPECT_EQ(e.counters().final_outcomes, 1u);
}

}  // namespace

namespace {

// The SQLite store, except that removals of acknowledged receipts fail while `failing`.
class failing_removals final : public smppd::core::message_store {
 public:
  explicit failing_removals(smppd::core::message_store& inner) : inner_(inner) {}
  void write(std::vector<smppd::core::message_step> steps, write_done done) override {
    const bool removal =
        !steps.empty() && std::holds_alternative<smppd::core::receipt_acknowledged>(steps[0]);
    if (removal && failing) {
      std::vector<smppd::core::step_result> results(
          steps.size(), {make_error_code(smppd::core::errc::unavailable), 0});
      done(results, steps);
      return;
    }
    inner_.write(std::move(steps), std::move(done));
  }
  std::vector<message_record> unfinished_messages() override {
    return inner_.unfinished_messages();
  }
  std::vector<smppd::core::receipt_record> pending_receipts(std::chrono::hours r) override {
    return inner_.pending_receipts(r);
  }
  std::vector<message_record> waiting_messages(std::optional<smppd::core::waiting_cursor> after,
                                               std::size_t limit) override {
    return inner_.waiting_messages(after, limit);
  }
  std::uint64_t max_message_id() override { return inner_.max_message_id(); }
  std::uint64_t dropped_receipts() const override { return inner_.dropped_receipts(); }
  void flush() override { inner_.flush(); }
  std::atomic<bool> failing{false};

 private:
  smppd::core::message_store& inner_;
};

TEST_F(engine_test, an_acknowledged_receipt_the_store_could_not_remove_is_removed_later) {
  auto& store = open_store();
  failing_removals flaky(store);
  smppd::gateway::engine_settings settings;
  settings.outcome_retry = 50ms;
  settings.receipts.retry_first = 50ms;
  engine e(flaky, simulator(0), settings, log_, clock_);
  auto session = std::make_shared<fake_session>();
  e.attach(1, "acme", 10, session);
  ASSERT_EQ(submit(e, message("4599123")), command_status::esme_rok);
  for (int i = 0; i < 5; ++i) {
    e.tick();
    store.flush();
    e.poll();
  }
  const auto got = session->wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  flaky.failing = true;
  const receipt_ack ack{got[0]->receipt_id, true};
  e.acked(1, {&ack, 1});
  e.poll();  // the failure handed over
  store.flush();
  EXPECT_EQ(store.pending_count("acme"), 1u);  // still there
  flaky.failing = false;
  clock_.advance(50ms);  // outcome_retry
  for (int i = 0; i < 5; ++i) {
    e.tick();
    store.flush();
    e.poll();
  }
  EXPECT_EQ(store.pending_count("acme"), 0u);
  EXPECT_EQ(session->count(), 1u);  // and it was not sent again
}

}  // namespace
