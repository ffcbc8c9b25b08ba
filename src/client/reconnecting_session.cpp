#include "client/reconnecting_session.hpp"

#include <algorithm>

namespace smppd::client {

reconnecting_session::reconnecting_session(asio::any_io_executor executor, session_options session,
                                           reconnect_options reconnect)
    : executor_(executor),
      session_options_(std::move(session)),
      reconnect_(std::move(reconnect)),
      delay_timer_(executor) {
  if (reconnect_.servers.empty()) reconnect_.servers.push_back(session_options_.server);
}

std::shared_ptr<reconnecting_session> reconnecting_session::create(asio::any_io_executor executor,
                                                                   session_options session,
                                                                   reconnect_options reconnect) {
  return std::shared_ptr<reconnecting_session>(
      new reconnecting_session(executor, std::move(session), std::move(reconnect)));
}

void reconnecting_session::start() {
  asio::co_spawn(executor_, run(shared_from_this()), asio::detached);
}

std::shared_ptr<session> reconnecting_session::current() const {
  return session_ && session_->bound() ? session_ : nullptr;
}

asio::awaitable<void> reconnecting_session::run(std::shared_ptr<reconnecting_session> self) {
  const std::size_t n = self->reconnect_.servers.size();
  std::size_t failures_in_round = 0;
  while (!self->stopped_) {
    auto options = self->session_options_;
    options.server = self->reconnect_.servers[self->index_];
    auto s = session::create(self->executor_, options);
    if (self->configure_) self->configure_(*s);
    self->session_ = s;
    const auto ec = co_await s->open();
    if (self->stopped_) {
      if (!ec) co_await s->unbind();
      break;
    }
    if (!ec) {
      ++self->binds_;
      failures_in_round = 0;
      if (self->on_bound_) self->on_bound_(s);
      for (auto* t : self->bound_waiters_) t->cancel();
      co_await s->wait_closed();
      if (self->stopped_) break;
      // Lost: the next server at once; it is probably up while this one restarts.
      self->index_ = (self->index_ + 1) % n;
      continue;
    }
    if (self->on_attempt_failed_) self->on_attempt_failed_(options.server, ec);
    self->index_ = (self->index_ + 1) % n;
    if (++failures_in_round >= n) {
      failures_in_round = 0;
      self->delay_timer_.expires_after(self->reconnect_.reconnect_delay);
      std::error_code ignored;
      co_await self->delay_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
  }
  for (auto* t : self->bound_waiters_) t->cancel();
}

asio::awaitable<void> reconnecting_session::stop() {
  auto self = shared_from_this();
  stopped_ = true;
  delay_timer_.cancel();
  for (auto* t : bound_waiters_) t->cancel();
  if (auto s = session_; s && s->bound()) {
    co_await s->unbind();
  } else if (s) {
    s->close();
  }
}

asio::awaitable<std::shared_ptr<session>> reconnecting_session::wait_bound(
    std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!stopped_) {
    if (auto s = current()) co_return s;
    if (std::chrono::steady_clock::now() >= deadline) break;
    asio::steady_timer timer(executor_, deadline);
    bound_waiters_.push_back(&timer);
    std::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    bound_waiters_.erase(std::find(bound_waiters_.begin(), bound_waiters_.end(), &timer));
  }
  co_return current();
}

}  // namespace smppd::client
