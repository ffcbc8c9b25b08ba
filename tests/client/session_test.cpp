// The client session over real sockets on 127.0.0.1 (port 0): against the in-process trivial
// responder (tests/support/responder.hpp) and against node-smpp's server (bench/node/server.js).
// Every test runs under a hard deadline: a hang is a failure, never a stuck ctest.
#include "client/session.hpp"

#include <gtest/gtest.h>

#include <asio.hpp>
#include <filesystem>
#include <set>

#include "client/reconnecting_session.hpp"
#include "dlr/receipt.hpp"
#include "support/process.hpp"
#include "support/responder.hpp"
#include "support/run_bounded.hpp"

namespace smppd::client {
namespace {

using namespace std::chrono_literals;
using test_support::responder;
using test_support::responder_options;
using test_support::run_bounded;

session_options options_for(std::uint16_t port) {
  session_options o;
  o.server = {"127.0.0.1", port};
  o.system_id = "test";
  o.password = "secret";
  o.window = 8;
  o.connect_timeout = 2s;
  o.response_timeout = 2s;
  return o;
}

smpp::submit_sm a_submit(std::uint8_t registered_delivery = 0) {
  smpp::submit_sm sm;
  sm.source_addr_ton = 5;
  sm.source_addr.assign("smppd");
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr.assign("4512345678");
  sm.registered_delivery = registered_delivery;
  sm.short_message.assign("hello");
  return sm;
}

// A port with nothing listening: connecting to it is refused.
std::uint16_t closed_port(asio::io_context& io) {
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

TEST(client_session, binds_submits_and_unbinds_against_the_responder) {
  asio::io_context io;
  auto server = responder::create(io, "127.0.0.1", 0);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto s = session::create(co_await asio::this_coro::executor, options_for(srv->port()));
    EXPECT_FALSE(co_await s->open());
    EXPECT_TRUE(s->bound());
    EXPECT_EQ(s->server_system_id(), "responder");
    auto id = co_await s->submit(a_submit());
    EXPECT_TRUE(id);
    if (id) {
      EXPECT_EQ(*id, "1");
    }
    auto id2 = co_await s->submit(a_submit());
    if (id2) {
      EXPECT_EQ(*id2, "2");
    }
    EXPECT_FALSE(co_await s->unbind());
    EXPECT_EQ(s->current_state(), session::state::closed);
    EXPECT_EQ(srv->stats().unbinds.load(), 1u);
    EXPECT_EQ(srv->stats().binds.load(), 1u);
  }(server));
  server->stop();
}

TEST(client_session, keeps_the_window_full_and_matches_every_response) {
  asio::io_context io;
  auto server = responder::create(io, "127.0.0.1", 0);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto o = options_for(srv->port());
    o.window = 16;
    auto s = session::create(co_await asio::this_coro::executor, o);
    auto ok = std::make_shared<std::uint64_t>(0);
    auto tags = std::make_shared<std::uint64_t>(0);
    s->on_response([ok, tags](const response_event& e) {
      if (!e.error && e.command_status == smpp::command_status::esme_rok && !e.message_id.empty())
        ++*ok;
      *tags += e.tag;
    });
    EXPECT_FALSE(co_await s->open());
    const auto bytes = smpp::encode(smpp::make_pdu(a_submit(), 1));
    std::uint64_t sent = 0;
    while (sent < 5000) {
      while (sent < 5000 && s->try_submit_encoded(bytes, sent + 1)) ++sent;
      EXPECT_LE(s->in_flight(), 16u);
      EXPECT_FALSE(co_await s->wait_for_slot());
    }
    EXPECT_FALSE(co_await s->wait_drained());
    EXPECT_EQ(*ok, 5000u);
    EXPECT_EQ(*tags, 5000u * 5001u / 2);
    EXPECT_EQ(s->stats().unexpected_responses, 0u);
    EXPECT_LT(s->stats().writes, 5000u);  // batched: many PDUs per write
    EXPECT_FALSE(co_await s->unbind());
  }(server));
  server->stop();
}

TEST(client_session, receives_a_receipt_and_answers_it_with_deliver_sm_resp) {
  asio::io_context io;
  responder_options ro;
  ro.receipts = true;
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto s = session::create(co_await asio::this_coro::executor, options_for(srv->port()));
    EXPECT_FALSE(co_await s->open());
    auto id = co_await s->submit(a_submit(1));
    EXPECT_TRUE(id);
    auto deliver = co_await s->receive_deliver(2000ms);
    EXPECT_TRUE(deliver);
    if (deliver && id) {
      const auto* d = deliver->get_if<smpp::deliver_sm>();
      EXPECT_NE(d, nullptr);
      if (d) {
        EXPECT_EQ(d->esm_class, 0x04);
        const auto r = dlr::parse(d->short_message.view());
        EXPECT_TRUE(r);
        if (r) {
          EXPECT_EQ(r->id, *id);
          EXPECT_EQ(r->stat, dlr::receipt_status::delivrd);
        }
      }
    }
    EXPECT_FALSE(co_await s->enquire_link());  // the resp was written before this one
    EXPECT_EQ(srv->stats().deliver_sm_resps.load(), 1u);
    EXPECT_FALSE(co_await s->unbind());
  }(server));
  server->stop();
}

TEST(client_session, answers_the_servers_enquire_link) {
  asio::io_context io;
  responder_options ro;
  ro.enquire_link_after_bind = true;
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto s = session::create(co_await asio::this_coro::executor, options_for(srv->port()));
    EXPECT_FALSE(co_await s->open());
    EXPECT_FALSE(co_await s->enquire_link());
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (int i = 0; i < 100 && srv->stats().enquire_link_resps.load() == 0; ++i) {
      t.expires_after(10ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_EQ(srv->stats().enquire_link_resps.load(), 1u);
    EXPECT_EQ(s->stats().enquire_links_answered, 1u);
    EXPECT_FALSE(co_await s->unbind());
  }(server));
  server->stop();
}

TEST(client_session, sends_enquire_link_after_a_silence) {
  asio::io_context io;
  auto server = responder::create(io, "127.0.0.1", 0);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto o = options_for(srv->port());
    o.enquire_link_interval = 50ms;
    o.response_timeout = 500ms;
    auto s = session::create(co_await asio::this_coro::executor, o);
    EXPECT_FALSE(co_await s->open());
    asio::steady_timer t(co_await asio::this_coro::executor, 400ms);
    co_await t.async_wait(asio::use_awaitable);
    EXPECT_GE(srv->stats().enquire_links.load(), 2u);
    EXPECT_TRUE(s->bound());
    EXPECT_EQ(s->stats().timeouts, 0u);
    EXPECT_FALSE(co_await s->unbind());
  }(server));
  server->stop();
}

TEST(client_session, times_out_a_submit_the_server_never_answers) {
  asio::io_context io;
  responder_options ro;
  ro.behaviour = responder_options::mode::binds_only;
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto o = options_for(srv->port());
    o.response_timeout = 200ms;
    o.window = 2;
    auto s = session::create(co_await asio::this_coro::executor, o);
    auto timeouts = std::make_shared<int>(0);
    s->on_response([timeouts](const response_event& e) {
      if (e.error == errc::timeout) ++*timeouts;
    });
    EXPECT_FALSE(co_await s->open());
    const auto start = std::chrono::steady_clock::now();
    auto id = co_await s->submit(a_submit());
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(id);
    EXPECT_EQ(id.error(), errc::timeout);
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 1500ms);
    // The fire-and-handle path: a full window refuses, then times out and frees the slots.
    EXPECT_TRUE(s->try_submit(a_submit(), 1));
    EXPECT_TRUE(s->try_submit(a_submit(), 2));
    EXPECT_FALSE(s->try_submit(a_submit(), 3));
    EXPECT_EQ(co_await s->wait_for_slot(std::chrono::steady_clock::now() + 50ms), errc::timeout);
    EXPECT_FALSE(co_await s->wait_for_slot(std::chrono::steady_clock::now() + 2s));
    EXPECT_EQ(*timeouts, 2);
    EXPECT_TRUE(s->bound());  // a lost response is not a lost link
    s->close();
  }(server));
  server->stop();
}

TEST(client_session, times_out_a_bind_to_a_server_that_reads_and_never_replies) {
  asio::io_context io;
  responder_options ro;
  ro.behaviour = responder_options::mode::silent;
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto o = options_for(srv->port());
    o.response_timeout = 300ms;
    auto s = session::create(co_await asio::this_coro::executor, o);
    EXPECT_EQ(co_await s->open(), errc::timeout);
    EXPECT_EQ(s->current_state(), session::state::closed);
  }(server));
  server->stop();
}

TEST(client_session, reports_a_rejected_bind_with_its_command_status) {
  asio::io_context io;
  responder_options ro;
  ro.bind_status = smpp::command_status::esme_rinvpaswd;
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto s = session::create(co_await asio::this_coro::executor, options_for(srv->port()));
    const auto ec = co_await s->open();
    EXPECT_EQ(ec, smpp::command_status::esme_rinvpaswd);
    EXPECT_FALSE(s->bound());
  }(server));
  server->stop();
}

TEST(client_session, answers_an_unbind_from_the_server_and_closes) {
  asio::io_context io;
  responder_options ro;
  ro.unbind_after_submits = 1;
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv) -> asio::awaitable<void> {
    auto s = session::create(co_await asio::this_coro::executor, options_for(srv->port()));
    EXPECT_FALSE(co_await s->open());
    EXPECT_TRUE(co_await s->submit(a_submit()));
    co_await s->wait_closed();
    EXPECT_EQ(s->close_reason(), errc::unbound_by_peer);
    EXPECT_EQ(srv->stats().unbind_resps.load(), 1u);
    auto late = co_await s->submit(a_submit());
    EXPECT_FALSE(late);
  }(server));
  server->stop();
}

TEST(client_session, reports_a_refused_connection) {
  asio::io_context io;
  const auto port = closed_port(io);
  run_bounded(io, [](std::uint16_t p) -> asio::awaitable<void> {
    auto s = session::create(co_await asio::this_coro::executor, options_for(p));
    EXPECT_EQ(co_await s->open(), asio::error::connection_refused);
  }(port));
}

TEST(reconnecting_session, binds_to_the_second_host_when_the_first_refuses_and_again_after_a_loss) {
  asio::io_context io;
  const auto refused = closed_port(io);
  responder_options ro;
  ro.unbind_after_submits = 1;  // the server ends the first session
  auto server = responder::create(io, "127.0.0.1", 0, ro);
  server->start();
  run_bounded(io, [](std::shared_ptr<responder> srv, std::uint16_t dead) -> asio::awaitable<void> {
    reconnect_options r;
    r.servers = {{"127.0.0.1", dead}, {"127.0.0.1", srv->port()}};
    r.reconnect_delay = 100ms;
    auto failures = std::make_shared<int>(0);
    auto rs = reconnecting_session::create(co_await asio::this_coro::executor, options_for(0), r);
    rs->on_attempt_failed([failures](const endpoint&, std::error_code) { ++*failures; });
    rs->start();
    auto s = co_await rs->wait_bound(3000ms);
    EXPECT_TRUE(s);
    if (!s) co_return;
    EXPECT_EQ(rs->current_server().port, srv->port());
    EXPECT_EQ(*failures, 1);
    EXPECT_TRUE(co_await s->submit(a_submit()));  // and the server unbinds us
    co_await s->wait_closed();
    // Next: the refused host once more, a delay, then the responder again.
    auto s2 = co_await rs->wait_bound(3000ms);
    EXPECT_TRUE(s2);
    EXPECT_NE(s2, s);
    EXPECT_EQ(rs->binds(), 2u);
    EXPECT_GE(*failures, 2);
    co_await rs->stop();
    EXPECT_EQ(rs->current(), nullptr);
  }(server, refused));
  server->stop();
}

// node-smpp (npm smpp 0.5.1) as an independent server: bench/node, installed by
// scripts/bootstrap. Missing node is a failure, not a skip.
class node_smpp_server : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string node = test_support::find_on_path("node");
    ASSERT_FALSE(node.empty()) << "node is not on PATH: run scripts/bootstrap";
    const std::filesystem::path dir = std::filesystem::path(SMPPD_SOURCE_DIR) / "bench" / "node";
    ASSERT_TRUE(std::filesystem::exists(dir / "node_modules" / "smpp"))
        << "node-smpp is not installed in " << dir << ": run scripts/bootstrap";
    test_support::spawn_options spawn;
    spawn.argv = {node, (dir / "server.js").string(), "--port", "0"};
    spawn.pipe_stdout = true;
    spawn.stop_grace = 1s;
    child_ = std::make_unique<test_support::child_process>(spawn);
    const auto line = child_->read_line(10s);
    ASSERT_TRUE(line) << "node-smpp server did not start";
    const auto colon = line->rfind(':');
    ASSERT_NE(colon, std::string::npos) << *line;
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(colon + 1)));
  }
  std::unique_ptr<test_support::child_process> child_;
  std::uint16_t port_ = 0;
};

TEST_F(node_smpp_server, binds_submits_receives_the_receipt_and_unbinds) {
  asio::io_context io;
  run_bounded(
      io,
      [](std::uint16_t port) -> asio::awaitable<void> {
        auto s = session::create(co_await asio::this_coro::executor, options_for(port));
        EXPECT_FALSE(co_await s->open());
        EXPECT_EQ(s->server_system_id(), "node-smpp");
        EXPECT_FALSE(co_await s->enquire_link());
        auto id = co_await s->submit(a_submit(1));
        EXPECT_TRUE(id);
        auto deliver = co_await s->receive_deliver(5000ms);
        EXPECT_TRUE(deliver);
        if (deliver && id) {
          const auto* d = deliver->get_if<smpp::deliver_sm>();
          EXPECT_NE(d, nullptr);
          if (d) {
            const auto r = dlr::parse(d->short_message.view());
            EXPECT_TRUE(r);
            if (r) {
              EXPECT_EQ(r->id, *id);
            }
            EXPECT_EQ(d->tlvs.get_string(smpp::tlv_tag::receipted_message_id), *id);
            EXPECT_EQ(d->tlvs.get_u8(smpp::tlv_tag::message_state), 2);
          }
        }
        EXPECT_FALSE(co_await s->unbind());
      }(port_),
      20s);
}

TEST_F(node_smpp_server, matches_a_window_of_submits_to_their_receipts) {
  asio::io_context io;
  run_bounded(
      io,
      [](std::uint16_t port) -> asio::awaitable<void> {
        auto o = options_for(port);
        o.window = 32;
        auto s = session::create(co_await asio::this_coro::executor, o);
        auto ids = std::make_shared<std::set<std::string>>();
        auto receipts = std::make_shared<std::set<std::string>>();
        s->on_response([ids](const response_event& e) {
          if (!e.error) ids->emplace(e.message_id);
        });
        s->on_deliver([receipts](const smpp::pdu& p) -> std::optional<smpp::command_status> {
          if (const auto* d = p.get_if<smpp::deliver_sm>()) {
            if (auto r = dlr::parse(d->short_message.view())) receipts->insert(r->id);
          }
          return smpp::command_status::esme_rok;
        });
        EXPECT_FALSE(co_await s->open());
        int sent = 0;
        while (sent < 500) {
          while (sent < 500 && s->try_submit(a_submit(1), static_cast<std::uint64_t>(sent))) ++sent;
          EXPECT_FALSE(co_await s->wait_for_slot());
        }
        EXPECT_FALSE(co_await s->wait_drained());
        asio::steady_timer t(co_await asio::this_coro::executor);
        for (int i = 0; i < 500 && receipts->size() < 500; ++i) {
          t.expires_after(10ms);
          co_await t.async_wait(asio::use_awaitable);
        }
        EXPECT_EQ(ids->size(), 500u);
        EXPECT_EQ(*receipts, *ids);
        EXPECT_FALSE(co_await s->unbind());
      }(port_),
      30s);
}

}  // namespace
}  // namespace smppd::client
