// Our client (src/client) over TLS against the real `smppd serve` (port 0, its generated
// self-signed certificate): bind, submit, enquire_link, unbind; and the reconnecting session
// moving past a dead host to the server. Every test runs under a hard deadline.
#include <gtest/gtest.h>

#include <asio.hpp>
#include <optional>
#include <set>

#include "client/reconnecting_session.hpp"
#include "client/session.hpp"
#include "harness.hpp"
#include "support/run_bounded.hpp"

namespace smppd::client {
namespace {

using namespace std::chrono_literals;
using test_support::run_bounded;

constexpr const char* account = "tlsclient";
constexpr const char* password = "tls-pw";

// TLS handshakes on a sanitizer build take longer than the plain sessions' default limit.
constexpr std::chrono::seconds limit = 15s;

smpp::submit_sm a_submit(const std::string& text) {
  smpp::submit_sm sm;
  sm.source_addr_ton = 5;
  sm.source_addr.assign("smppd");
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr.assign("4512345678");
  sm.short_message.assign(text);
  return sm;
}

bool is_decimal_message_id(const std::string& id) {
  return !id.empty() && id.size() <= 19 && id.find_first_not_of("0123456789") == std::string::npos;
}

// A port with nothing listening: connecting to it is refused.
std::uint16_t dead_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

class client_against_serve : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.write_config();
    const auto added = testing::add_account(dir, account, password);
    ASSERT_EQ(added.exit_status, 0) << added.err;
    server.emplace(dir);
    ASSERT_NE(server->tls_port(), 0) << server->log();
  }

  session_options tls_options() const {
    session_options o;
    o.server = {"127.0.0.1", server->tls_port()};
    o.tls.enabled = true;  // verify stays off: the generated certificate is self-signed
    o.system_id = account;
    o.password = password;
    o.connect_timeout = 3s;
    o.response_timeout = 3s;
    return o;
  }

  testing::scratch_dir dir;
  std::optional<testing::server_process> server;
};

TEST_F(client_against_serve, binds_submits_and_unbinds_over_tls) {
  asio::io_context io;
  run_bounded(
      io,
      [](session_options o) -> asio::awaitable<void> {
        auto s = session::create(co_await asio::this_coro::executor, o);
        const auto opened = co_await s->open();
        EXPECT_FALSE(opened) << opened.message();
        if (opened) co_return;
        EXPECT_TRUE(s->bound());
        EXPECT_FALSE(s->server_system_id().empty());

        std::set<std::string> ids;
        for (const char* text : {"first over TLS", "second over TLS"}) {
          auto id = co_await s->submit(a_submit(text));
          EXPECT_TRUE(id) << id.error().message();
          if (!id) continue;
          EXPECT_TRUE(is_decimal_message_id(*id)) << *id;
          ids.insert(*id);
        }
        EXPECT_EQ(ids.size(), 2u);

        auto bad = a_submit("bad ton");
        bad.dest_addr_ton = 2;
        auto refused = co_await s->submit(bad);
        EXPECT_FALSE(refused);
        if (!refused) {
          EXPECT_EQ(refused.error(), make_error_code(smpp::command_status::esme_rinvdstton));
        }

        EXPECT_FALSE(co_await s->enquire_link());
        const auto unbound = co_await s->unbind();
        EXPECT_FALSE(unbound) << unbound.message();
        EXPECT_EQ(s->current_state(), session::state::closed);
      }(tls_options()),
      limit);
  EXPECT_TRUE(server->running()) << server->log();
}

TEST_F(client_against_serve, a_wrong_password_over_tls_is_rinvpaswd) {
  asio::io_context io;
  run_bounded(
      io,
      [](session_options o) -> asio::awaitable<void> {
        o.password = "not-the-password";
        auto s = session::create(co_await asio::this_coro::executor, o);
        const auto opened = co_await s->open();
        EXPECT_EQ(opened, make_error_code(smpp::command_status::esme_rinvpaswd))
            << opened.message();
        EXPECT_EQ(s->current_state(), session::state::closed);
      }(tls_options()),
      limit);
}

TEST_F(client_against_serve, a_tls_client_on_the_plain_port_fails_without_hanging) {
  asio::io_context io;
  run_bounded(
      io,
      [](session_options o, std::uint16_t plain) -> asio::awaitable<void> {
        o.server.port = plain;
        auto s = session::create(co_await asio::this_coro::executor, o);
        const auto started = std::chrono::steady_clock::now();
        EXPECT_TRUE(co_await s->open());
        EXPECT_FALSE(s->bound());
        EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
      }(tls_options(), server->port()),
      limit);
  EXPECT_TRUE(server->running()) << server->log();
}

TEST_F(client_against_serve, the_reconnecting_session_skips_a_dead_host_and_binds_over_tls) {
  asio::io_context io;
  run_bounded(
      io,
      [](session_options o, std::uint16_t dead) -> asio::awaitable<void> {
        const std::uint16_t live = o.server.port;
        reconnect_options r;
        r.servers = {{"127.0.0.1", dead}, {"127.0.0.1", live}};
        r.reconnect_delay = 5s;
        auto rs = reconnecting_session::create(co_await asio::this_coro::executor, o, r);
        auto failed = std::make_shared<std::vector<std::uint16_t>>();
        rs->on_attempt_failed(
            [failed](const endpoint& e, std::error_code) { failed->push_back(e.port); });
        rs->start();
        auto s = co_await rs->wait_bound(5000ms);
        EXPECT_TRUE(s);
        if (!s) co_return;
        EXPECT_EQ(rs->current_server().port, live);
        EXPECT_EQ(*failed, std::vector<std::uint16_t>{dead});
        EXPECT_EQ(rs->binds(), 1u);
        auto id = co_await s->submit(a_submit("through the second host"));
        EXPECT_TRUE(id);
        if (id) {
          EXPECT_TRUE(is_decimal_message_id(*id)) << *id;
        }
        co_await rs->stop();
        EXPECT_EQ(rs->current(), nullptr);
        EXPECT_EQ(s->current_state(), session::state::closed);
      }(tls_options(), dead_port()),
      limit);
}

}  // namespace
}  // namespace smppd::client
