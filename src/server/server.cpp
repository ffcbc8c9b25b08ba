#include "server/server.hpp"

#include <malloc.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "server/session.hpp"
#include "server/tls.hpp"

namespace smppd::server {
namespace {

using tcp = asio::ip::tcp;

session_settings settings_from(const config::config& cfg) {
  session_settings s;
  s.bind_timeout = std::chrono::seconds(cfg.smpp.bind_timeout_s);
  s.enquire_link_interval = std::chrono::seconds(cfg.smpp.enquire_link_interval_s);
  s.enquire_link_timeout = std::chrono::seconds(cfg.smpp.enquire_link_timeout_s);
  s.window = cfg.smpp.window;
  s.max_protocol_errors = cfg.smpp.max_protocol_errors;
  return s;
}

authenticator_settings authenticator_settings_from(const config::config& cfg) {
  authenticator_settings s;
  s.guard.lockout_after = cfg.smpp.bind_failure_lockout_after;
  s.guard.lockout = std::chrono::seconds(cfg.smpp.bind_failure_lockout_s);
  s.guard.first_delay = std::chrono::milliseconds(cfg.smpp.bind_failure_delay_ms);
  s.guard.limit_loopback = cfg.smpp.bind_failure_limit_loopback;
  return s;
}

// Half the cores hash passwords (at least one): scrypt is slow by design, and a flood of
// checks must leave the io threads their cores.
unsigned hash_thread_count() { return std::max(1u, std::thread::hardware_concurrency() / 2); }

unsigned io_thread_count() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 2 : cores;
}

tcp::acceptor open_acceptor(asio::io_context& io, const config::endpoint& where, const char* key) {
  std::error_code ec;
  const auto address = asio::ip::make_address(where.host, ec);
  if (ec) throw config::config_error(std::string(key) + ": invalid address \"" + where.host + "\"");
  const tcp::endpoint endpoint(address, where.port);
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw config::config_error(std::string(key) + ": cannot listen on " + where.host + ":" +
                               std::to_string(where.port) + ": " + ec.message());
  }
  return acceptor;
}

std::string address_of(const tcp::acceptor& acceptor) {
  const auto endpoint = acceptor.local_endpoint();
  const auto host = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + host + "]" : host) + ":" +
         std::to_string(endpoint.port());
}

}  // namespace

server::server(const config::config& cfg, core::account_store& accounts, core::message_sink& sink,
               core::receipt_source& receipts, std::shared_ptr<spdlog::logger> log,
               std::uint64_t message_id_floor, core::bind_ledger* cluster_binds)
    : config_(cfg),
      hash_pool_(hash_thread_count()),
      auth_(
          accounts, registry_, authenticator_settings_from(cfg),
          [this](authenticator::job j) { asio::post(hash_pool_, std::move(j)); }, log),
      gate_(registry_, message_id_generator(cfg.node.id, message_id_floor)),
      context_{.settings = settings_from(cfg),
               .max_pdu_bytes = cfg.smpp.max_pdu_bytes,
               .auth = auth_,
               .registry = registry_,
               .sink = sink,
               .receipts = receipts,
               .gate = gate_,
               .auth_pool = auth_pool_,
               .log = std::move(log),
               .sessions{},
               .next_session_id{1}} {
  registry_.share_with(cluster_binds);
  for (unsigned i = 0; i < io_thread_count(); ++i)
    io_.push_back(std::make_unique<asio::io_context>(1));
}

server::~server() {
  auth_pool_.join();
  hash_pool_.join();
  // Sessions still owned by suspended coroutines die with their io_context and touch
  // context_ on the way out: destroy the io_contexts while context_ is alive.
  io_.clear();
}

asio::io_context& server::next_io() {
  auto& io = *io_[next_io_];
  next_io_ = (next_io_ + 1) % io_.size();
  return io;
}

void server::listen() {
  plain_.emplace(open_acceptor(*io_[0], config_.smpp.listen, "smpp.listen"));
  if (config_.smpp.tls_listen) {
    tls_files files{config_.smpp.tls_cert, config_.smpp.tls_key};
    if (files.certificate.empty() != files.private_key.empty()) {
      throw config::config_error("smpp.tls_cert and smpp.tls_key: set both or neither");
    }
    if (files.certificate.empty()) files = ensure_self_signed(config_.node.data_dir);
    tls_context_.emplace(make_tls_context(files));
    tls_.emplace(open_acceptor(*io_[0], *config_.smpp.tls_listen, "smpp.tls_listen"));
  }
  write_listening_file();
  listening_ = true;
}

std::vector<session_view> server::sessions() const {
  std::vector<session_view> out;
  for (const auto& s : context_.sessions.snapshot()) out.push_back(s->view());
  return out;
}

void server::write_listening_file() {
  nlohmann::json addresses;
  addresses["smpp"] = address_of(*plain_);
  if (tls_) addresses["smpp_tls"] = address_of(*tls_);
  for (const auto& [name, address] : other_listeners_) addresses[name] = address;
  std::filesystem::create_directories(config_.node.data_dir);
  const auto file = config_.node.data_dir / "listening.json";
  const auto temporary = config_.node.data_dir / "listening.json.tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << addresses.dump() << "\n";
    if (!out) throw config::config_error("node.data_dir: cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, file);  // readers never see a half-written file
  context_.log->info("listening: {}", addresses.dump());
}

// One accept loop for both listeners: each accepted socket goes to the next io thread, where
// `start` turns it into a session.
void server::accept_on(asio::ip::tcp::acceptor& acceptor, const char* what,
                       std::function<void(tcp::socket)> start) {
  asio::co_spawn(
      *io_[0],
      [this, &acceptor, what, start = std::move(start)]() -> asio::awaitable<void> {
        for (;;) {
          std::error_code ec;
          auto socket = co_await acceptor.async_accept(
              next_io(), asio::redirect_error(asio::use_awaitable, ec));
          if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
          if (ec) {
            // EMFILE and friends: log, breathe, go on; existing sessions are untouched.
            context_.log->warn("accept ({}): {}", what, ec.message());
            asio::steady_timer pause(*io_[0], std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::use_awaitable);
            continue;
          }
          auto& io = static_cast<asio::io_context&>(socket.get_executor().context());
          asio::post(io, [start, s = std::make_shared<tcp::socket>(std::move(socket))]() mutable {
            start(std::move(*s));
          });
        }
      },
      asio::detached);
}

void server::run() {
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& io : io_) guards.push_back(asio::make_work_guard(*io));
  accept_on(*plain_, "smpp", [this](tcp::socket s) { start_session(std::move(s), context_); });
  if (tls_) {
    accept_on(*tls_, "smpp_tls", [this](tcp::socket s) {
      start_tls_session(asio::ssl::stream<tcp::socket>(std::move(s), *tls_context_), context_);
    });
  }

  // glibc keeps memory freed after a burst (closed sessions, drained buffers) in its
  // arenas; every 30 s it is given back to the system (docs/benchmarks.md, issue 14), on
  // a hashing thread so no session waits for it.
  asio::steady_timer trim_timer(*io_[0]);
  std::function<void()> arm_trim = [&] {
    trim_timer.expires_after(std::chrono::seconds(30));
    trim_timer.async_wait([&](const std::error_code& ec) {
      if (ec) return;
      asio::post(hash_pool_, [] { ::malloc_trim(0); });
      arm_trim();
    });
  };
  arm_trim();

  asio::signal_set signals(*io_[0], SIGTERM, SIGINT);
  signals.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    context_.log->info("signal {}: shutting down", signal);
    shutdown();
  });

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < io_.size(); ++i)
    threads.emplace_back([&io = *io_[i], i] {
      pthread_setname_np(pthread_self(), ("smppd-io-" + std::to_string(i)).c_str());
      io.run();
    });
  io_[0]->run();  // returns once shutdown() stopped it
  for (auto& io : io_) io->stop();
  for (auto& t : threads) t.join();
  trim_timer.cancel();
}

void server::shutdown() {
  listening_ = false;  // /readyz: a load balancer stops sending here first
  std::error_code ignored;
  plain_->close(ignored);
  if (tls_) tls_->close(ignored);
  context_.sessions.for_each([](session_base& s) { s.request_unbind(); });
  context_.log->info("unbinding {} sessions", context_.sessions.size());
  // Wait (without blocking io thread 0's other work) for the sessions to end: at most the
  // unbind timeout plus the close linger, well inside the contract's 10 s.
  asio::co_spawn(
      *io_[0],
      [this]() -> asio::awaitable<void> {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(8);
        asio::steady_timer tick(*io_[0]);
        while (context_.sessions.size() > 0 && std::chrono::steady_clock::now() < give_up) {
          tick.expires_after(std::chrono::milliseconds(20));
          co_await tick.async_wait(asio::use_awaitable);
        }
        context_.log->info("shutdown complete ({} sessions left)", context_.sessions.size());
        for (auto& io : io_) io->stop();
      },
      asio::detached);
}

}  // namespace smppd::server
