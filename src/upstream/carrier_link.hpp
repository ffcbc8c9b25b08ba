#pragma once
// The sessions smppd keeps bound to one carrier (an upstream SMSC), as an ESME: `sessions`
// binds (a transceiver each, or a transmitter and a receiver), each on the first of the
// carrier's hosts that accepts, again from the first after a loss, waiting
// reconnect_delay_s (doubling to 60 s) after a round in which no host bound. Submits go
// out through a small queue drained into the sessions' windows, at most max_mps per second
// over all sessions. What the carrier sends us (deliver_sm, data_sm) goes to a handler that
// answers later, once what it carries is durable.
//
// A link lives on one thread (the engine's io_context): call it only from there. A carrier
// that is down costs a timer; it never blocks another carrier or the customers' sessions.

#include <spdlog/logger.h>

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/session.hpp"
#include "config/config.hpp"
#include "smpp/codec.hpp"

namespace smppd::upstream {

// The answer to one submit_sm: empty `error` and the carrier's command_status, or a
// client::errc (timeout, connection_closed) when none came.
struct submit_result {
  std::uint64_t tag = 0;
  std::error_code error;
  smpp::command_status status = smpp::command_status::esme_rok;
  std::string_view message_id;  // valid during the call only
};

// The answer still owed for a deliver_sm / data_sm the carrier sent. Sending it after the
// session is gone does nothing: the carrier sends the PDU again on a new session.
class pending_reply {
 public:
  pending_reply() = default;
  pending_reply(std::weak_ptr<client::session> session, smpp::command_id request,
                std::uint32_t sequence_number)
      : session_(std::move(session)), request_(request), sequence_number_(sequence_number) {}
  void send(smpp::command_status status) const;

 private:
  std::weak_ptr<client::session> session_;
  smpp::command_id request_ = smpp::command_id::deliver_sm;
  std::uint32_t sequence_number_ = 0;
};

struct link_handlers {
  std::function<void(const submit_result&)> on_result;
  std::function<void(const smpp::pdu&, pending_reply)> on_inbound;
  // Room for more submits: a session bound, a window slot freed, the rate allows one.
  std::function<void()> on_ready;
};

class carrier_link : public std::enable_shared_from_this<carrier_link> {
 public:
  static std::shared_ptr<carrier_link> create(asio::any_io_executor executor,
                                              config::carrier_config config, link_handlers handlers,
                                              std::shared_ptr<spdlog::logger> log);
  carrier_link(const carrier_link&) = delete;
  carrier_link& operator=(const carrier_link&) = delete;

  void start();
  // Stops reconnecting and closes every session; submits in flight get connection_closed.
  void stop();

  const std::string& name() const noexcept { return config_.name; }
  const config::carrier_config& config() const noexcept { return config_; }
  // Sessions that can submit (transceivers or transmitters), bound now.
  std::size_t bound_sessions() const noexcept;
  // Submits queued here or unanswered by the carrier.
  std::size_t in_flight() const noexcept { return queue_.size() + unanswered_; }
  // Whether more should be handed over now: something bound and the queue short.
  bool wants_more() const noexcept;

  // Queues one submit_sm; its result comes to on_result with `tag`. Always accepted: call
  // wants_more() first to keep the queue short.
  void submit(smpp::submit_sm sm, std::uint64_t tag);

 private:
  struct queued {
    smpp::submit_sm sm;
    std::uint64_t tag;
  };
  carrier_link(asio::any_io_executor executor, config::carrier_config config,
               link_handlers handlers, std::shared_ptr<spdlog::logger> log);
  // One bind kept up: `slot` of `sessions` (for the log), its back-off timer delays_[timer].
  static asio::awaitable<void> keep_bound(std::shared_ptr<carrier_link> self, std::size_t slot,
                                          std::size_t timer, client::bind_type type);
  client::session_options session_options(client::bind_type type) const;
  void configure(client::session& s, bool transmits);
  void drain();
  bool take_token(steady_time now);
  steady_time next_token_at() const;

  asio::any_io_executor executor_;
  config::carrier_config config_;
  link_handlers handlers_;
  std::shared_ptr<spdlog::logger> log_;
  bool stopped_ = false;

  std::vector<std::shared_ptr<client::session>> transmitters_;  // bound, can submit
  std::vector<std::shared_ptr<client::session>> all_;           // every open session
  std::vector<std::unique_ptr<asio::steady_timer>> delays_;     // one per keep_bound loop
  std::size_t next_transmitter_ = 0;
  std::deque<queued> queue_;
  std::size_t unanswered_ = 0;

  // max_mps: a token bucket holding at most a twentieth of a second's worth.
  double tokens_ = 0;
  steady_time tokens_at_{};
  asio::steady_timer rate_timer_;
  bool rate_timer_armed_ = false;
};

}  // namespace smppd::upstream
