#include "upstream/carrier_link.hpp"

#include <algorithm>

namespace smppd::upstream {
namespace {

constexpr auto max_reconnect_delay = std::chrono::seconds(60);

steady_time steady_now() noexcept { return std::chrono::steady_clock::now(); }

std::size_t erase_session(std::vector<std::shared_ptr<client::session>>& list,
                          const client::session* s) {
  return std::erase_if(list, [s](const auto& p) { return p.get() == s; });
}

}  // namespace

void pending_reply::send(smpp::command_status status) const {
  if (auto s = session_.lock()) s->respond(request_, sequence_number_, status);
}

std::shared_ptr<carrier_link> carrier_link::create(asio::any_io_executor executor,
                                                   config::carrier_config config,
                                                   link_handlers handlers,
                                                   std::shared_ptr<spdlog::logger> log) {
  return std::shared_ptr<carrier_link>(
      new carrier_link(executor, std::move(config), std::move(handlers), std::move(log)));
}

carrier_link::carrier_link(asio::any_io_executor executor, config::carrier_config config,
                           link_handlers handlers, std::shared_ptr<spdlog::logger> log)
    : executor_(executor),
      config_(std::move(config)),
      handlers_(std::move(handlers)),
      log_(std::move(log)),
      rate_timer_(executor) {}

void carrier_link::start() {
  const bool split = config_.bind == "tx+rx";
  for (std::size_t slot = 0; slot < config_.sessions; ++slot) {
    const auto spawn = [&](client::bind_type type) {
      delays_.push_back(std::make_unique<asio::steady_timer>(executor_));
      asio::co_spawn(executor_, keep_bound(shared_from_this(), slot, delays_.size() - 1, type),
                     asio::detached);
    };
    if (split) {
      spawn(client::bind_type::transmitter);
      spawn(client::bind_type::receiver);
    } else {
      spawn(client::bind_type::transceiver);
    }
  }
}

void carrier_link::stop() {
  stopped_ = true;
  for (auto& t : delays_) t->cancel();
  rate_timer_.cancel();
  auto sessions = all_;
  for (auto& s : sessions) s->close();
}

std::size_t carrier_link::bound_sessions() const noexcept {
  return static_cast<std::size_t>(std::count_if(transmitters_.begin(), transmitters_.end(),
                                                [](const auto& s) { return s->bound(); }));
}

bool carrier_link::wants_more() const noexcept {
  if (stopped_ || transmitters_.empty()) return false;
  // Enough queued to fill every window once more: the rest waits in the pipeline, where
  // failover can still move it.
  return queue_.size() < transmitters_.size() * config_.window;
}

client::session_options carrier_link::session_options(client::bind_type type) const {
  client::session_options o;
  o.tls.enabled = config_.tls;
  o.tls.verify = config_.tls && config_.tls_verify;
  o.tls.ca_file = config_.tls_ca.string();
  o.bind = type;
  o.system_id = config_.system_id;
  o.password = config_.password;
  o.system_type = config_.system_type;
  o.window = config_.window;
  o.response_timeout = std::chrono::seconds(config_.response_timeout_s);
  o.enquire_link_interval = std::chrono::seconds(config_.enquire_link_interval_s);
  return o;
}

void carrier_link::configure(client::session& s, bool transmits) {
  std::weak_ptr<carrier_link> weak = shared_from_this();
  std::weak_ptr<client::session> session = s.weak_from_this();
  s.on_deliver([weak, session](const smpp::pdu& pdu) -> std::optional<smpp::command_status> {
    auto self = weak.lock();
    if (!self || !self->handlers_.on_inbound) return smpp::command_status::esme_rx_t_appn;
    self->handlers_.on_inbound(pdu, pending_reply(session, pdu.command_id(), pdu.sequence_number));
    return std::nullopt;
  });
  if (!transmits) return;
  s.on_response([weak](const client::response_event& e) {
    auto self = weak.lock();
    if (!self || e.request_id != smpp::command_id::submit_sm) return;
    --self->unanswered_;
    self->handlers_.on_result(submit_result{e.tag, e.error, e.command_status, e.message_id});
    self->drain();
  });
}

asio::awaitable<void> carrier_link::keep_bound(std::shared_ptr<carrier_link> self, std::size_t slot,
                                               std::size_t timer, client::bind_type type) {
  const bool transmits = type != client::bind_type::receiver;
  auto delay = std::chrono::seconds(std::max<std::uint32_t>(1, self->config_.reconnect_delay_s));
  while (!self->stopped_) {
    bool bound_this_round = false;
    for (const auto& host : self->config_.hosts) {
      if (self->stopped_) break;
      auto options = self->session_options(type);
      options.server = client::endpoint{host.host, host.port};
      auto s = client::session::create(self->executor_, options);
      self->configure(*s, transmits);
      self->all_.push_back(s);
      const auto ec = co_await s->open();
      if (ec || self->stopped_) {
        erase_session(self->all_, s.get());
        if (!self->stopped_) {
          self->log_->warn("carrier {}: {} bind to {}:{} failed: {}", self->config_.name,
                           client::to_string(type), host.host, host.port, ec.message());
        }
        if (!ec) s->close();
        continue;
      }
      bound_this_round = true;
      self->log_->info("carrier {}: {} session {} bound to {}:{}", self->config_.name,
                       client::to_string(type), slot, host.host, host.port);
      if (transmits) {
        self->transmitters_.push_back(s);
        self->drain();
        if (self->handlers_.on_ready) self->handlers_.on_ready();
      }
      co_await s->wait_closed();
      erase_session(self->transmitters_, s.get());
      erase_session(self->all_, s.get());
      if (!self->stopped_) {
        self->log_->warn("carrier {}: {} session {} to {}:{} closed: {}", self->config_.name,
                         client::to_string(type), slot, host.host, host.port,
                         s->close_reason().message());
      }
      break;  // again from the first host: it is the preferred one
    }
    if (self->stopped_) break;
    if (bound_this_round) {
      delay = std::chrono::seconds(std::max<std::uint32_t>(1, self->config_.reconnect_delay_s));
      continue;
    }
    auto& delay_timer = *self->delays_[timer];
    delay_timer.expires_after(delay);
    std::error_code ignored;
    co_await delay_timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    delay = std::min<std::chrono::seconds>(delay * 2, max_reconnect_delay);
  }
}

void carrier_link::submit(smpp::submit_sm sm, std::uint64_t tag) {
  queue_.push_back(queued{std::move(sm), tag});
  drain();
}

bool carrier_link::take_token(steady_time now) {
  if (config_.max_mps == 0) return true;
  const double rate = config_.max_mps;
  const double burst = std::max(1.0, rate / 20);
  if (tokens_at_ == steady_time{}) {
    tokens_ = burst;
  } else {
    const std::chrono::duration<double> elapsed = now - tokens_at_;
    tokens_ = std::min(burst, tokens_ + elapsed.count() * rate);
  }
  tokens_at_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

steady_time carrier_link::next_token_at() const {
  const std::chrono::duration<double> wait((1 - tokens_) / config_.max_mps);
  return tokens_at_ + std::chrono::duration_cast<std::chrono::nanoseconds>(wait);
}

// Moves queued submits into windows with room, round robin over the sessions.
void carrier_link::drain() {
  const auto now = steady_now();
  while (!queue_.empty() && !transmitters_.empty()) {
    std::shared_ptr<client::session> target;
    for (std::size_t i = 0; i < transmitters_.size() && !target; ++i) {
      auto& s = transmitters_[(next_transmitter_ + i) % transmitters_.size()];
      if (s->can_submit()) {
        target = s;
        next_transmitter_ = (next_transmitter_ + i + 1) % transmitters_.size();
      }
    }
    if (!target) return;  // every window full: the next response drains again
    if (!take_token(now)) {
      if (!rate_timer_armed_) {
        rate_timer_armed_ = true;
        rate_timer_.expires_at(next_token_at());
        rate_timer_.async_wait([weak = weak_from_this()](std::error_code ec) {
          auto self = weak.lock();
          if (!self) return;
          self->rate_timer_armed_ = false;
          if (!ec) self->drain();
        });
      }
      return;
    }
    auto item = std::move(queue_.front());
    queue_.pop_front();
    if (!target->try_submit(item.sm, item.tag)) {
      // Cannot happen after can_submit(); failing it loudly beats losing the message.
      queue_.push_front(std::move(item));
      return;
    }
    ++unanswered_;
  }
  if (queue_.empty() && handlers_.on_ready) handlers_.on_ready();
}

}  // namespace smppd::upstream
