#pragma once
// A session that stays up: it binds to the first server of a list that accepts, and when
// the session ends it binds again, trying the servers in turn (the seed recommends two
// hosts, restarted one at a time). A connection that is lost moves on to the next server at
// once; after a whole round of servers failed it waits `reconnect_delay` before the next.

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "client/session.hpp"

namespace smppd::client {

struct reconnect_options {
  std::vector<endpoint> servers;  // tried in turn; session_options::server is ignored
  std::chrono::milliseconds reconnect_delay{30'000};
};

class reconnecting_session : public std::enable_shared_from_this<reconnecting_session> {
 public:
  static std::shared_ptr<reconnecting_session> create(asio::any_io_executor executor,
                                                      session_options session,
                                                      reconnect_options reconnect);

  // Called with each new session before it opens: set its handlers here.
  void on_new_session(std::function<void(session&)> configure) {
    configure_ = std::move(configure);
  }
  // Called after each successful bind, and with the error of each failed attempt.
  void on_bound(std::function<void(const std::shared_ptr<session>&)> f) {
    on_bound_ = std::move(f);
  }
  void on_attempt_failed(std::function<void(const endpoint&, std::error_code)> f) {
    on_attempt_failed_ = std::move(f);
  }

  void start();
  // Stops reconnecting and unbinds the current session (bounded by its response_timeout).
  asio::awaitable<void> stop();

  // The bound session, or nullptr between sessions.
  std::shared_ptr<session> current() const;
  // Waits until a session is bound; nullptr after `timeout` or once stopped.
  asio::awaitable<std::shared_ptr<session>> wait_bound(std::chrono::milliseconds timeout);

  // The server of the current (or last) session, and how many binds succeeded so far.
  const endpoint& current_server() const noexcept { return reconnect_.servers[index_]; }
  std::size_t binds() const noexcept { return binds_; }

 private:
  reconnecting_session(asio::any_io_executor executor, session_options session,
                       reconnect_options reconnect);
  static asio::awaitable<void> run(std::shared_ptr<reconnecting_session> self);

  asio::any_io_executor executor_;
  session_options session_options_;
  reconnect_options reconnect_;
  std::shared_ptr<session> session_;
  std::size_t index_ = 0;
  std::size_t binds_ = 0;
  bool stopped_ = false;
  asio::steady_timer delay_timer_;
  std::vector<asio::steady_timer*> bound_waiters_;
  std::function<void(session&)> configure_;
  std::function<void(const std::shared_ptr<session>&)> on_bound_;
  std::function<void(const endpoint&, std::error_code)> on_attempt_failed_;
};

}  // namespace smppd::client
