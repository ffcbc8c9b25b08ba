#include "client/session.hpp"

#include <algorithm>
#include <cstring>

namespace smppd::client {
namespace {

using namespace std::chrono_literals;

steady_time now() noexcept { return std::chrono::steady_clock::now(); }

void put_u32(std::uint8_t* at, std::uint32_t v) noexcept {
  at[0] = static_cast<std::uint8_t>(v >> 24);
  at[1] = static_cast<std::uint8_t>(v >> 16);
  at[2] = static_cast<std::uint8_t>(v >> 8);
  at[3] = static_cast<std::uint8_t>(v);
}

class client_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smppd.client"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::timeout:
        return "timed out";
      case errc::connection_closed:
        return "connection closed";
      case errc::closed_locally:
        return "session closed";
      case errc::unbound_by_peer:
        return "unbound by the server";
      case errc::not_bound:
        return "session not bound";
      case errc::protocol_error:
        return "protocol error from the server";
      case errc::no_servers:
        return "no servers to connect to";
    }
    return "client error " + std::to_string(value);
  }
};

smpp::pdu_body make_bind(const session_options& o) {
  auto fill = [&o](auto b) {
    b.system_id.assign(o.system_id);
    b.password.assign(o.password);
    b.system_type.assign(o.system_type);
    b.interface_version = o.interface_version;
    return smpp::pdu_body(std::move(b));
  };
  switch (o.bind) {
    case bind_type::transmitter:
      return fill(smpp::bind_transmitter{});
    case bind_type::receiver:
      return fill(smpp::bind_receiver{});
    case bind_type::transceiver:
      break;
  }
  return fill(smpp::bind_transceiver{});
}

bool is_submit_like(smpp::command_id id) noexcept {
  return id == smpp::command_id::submit_sm || id == smpp::command_id::data_sm ||
         id == smpp::command_id::submit_multi || id == smpp::command_id::query_sm ||
         id == smpp::command_id::cancel_sm || id == smpp::command_id::replace_sm;
}

}  // namespace

const std::error_category& client_category() noexcept {
  static const client_category_impl category;
  return category;
}

std::string_view to_string(bind_type type) noexcept {
  switch (type) {
    case bind_type::transmitter:
      return "transmitter";
    case bind_type::receiver:
      return "receiver";
    case bind_type::transceiver:
      return "transceiver";
  }
  return "?";
}

// A coroutine awaiting one response: it lives in that coroutine's frame and unregisters
// itself when the frame goes, so the session never completes a vanished waiter.
struct session::waiter {
  session* owner;
  std::uint32_t sequence_number = 0;
  asio::steady_timer wake;
  std::optional<result<smpp::pdu>> outcome;

  waiter(session* s, asio::any_io_executor ex) : owner(s), wake(ex, steady_time::max()) {}
  ~waiter() {
    if (sequence_number != 0) owner->waiters_.erase(sequence_number);
  }
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;
};

session::session(asio::any_io_executor executor, session_options options)
    : executor_(executor),
      options_(std::move(options)),
      window_(options_.window),
      link_{options_.enquire_link_interval},
      writer_wake_(executor, steady_time::max()),
      ticker_timer_(executor) {
  out_.reserve(64 * 1024);
  writing_.reserve(64 * 1024);
}

session::~session() = default;

std::shared_ptr<session> session::create(asio::any_io_executor executor, session_options options) {
  return std::shared_ptr<session>(new session(executor, std::move(options)));
}

asio::awaitable<std::error_code> session::open() {
  if (state_ != state::idle) co_return make_error_code(errc::not_bound);
  auto self = shared_from_this();
  state_ = state::connecting;
  auto [ec, t] = co_await connect_transport(executor_, options_.server, options_.tls,
                                            options_.connect_timeout);
  if (ec) {
    state_ = state::closed;
    close_reason_ = ec;
    notify_all(closed_waiters_);
    co_return ec;
  }
  transport_ = std::move(t);
  state_ = state::binding;
  link_.on_activity(now());
  asio::co_spawn(executor_, reader(self), asio::detached);
  asio::co_spawn(executor_, writer(self), asio::detached);
  asio::co_spawn(executor_, ticker(self), asio::detached);

  auto response = co_await request(make_bind(options_));
  if (!response) {
    close(response.error());
    co_return response.error();
  }
  if (response->command_status != smpp::command_status::esme_rok) {
    const auto status = response->command_status;
    close(make_error_code(status));
    co_return make_error_code(status);
  }
  std::visit(
      [this](const auto& body) {
        using body_type = std::decay_t<decltype(body)>;
        if constexpr (requires { body.system_id; }) {
          if constexpr (!std::is_same_v<body_type, smpp::outbind>) {
            server_system_id_ = std::string(body.system_id.view());
          }
        }
      },
      response->body);
  if (response->command_id() == smpp::command_id::generic_nack) {
    close(make_error_code(errc::protocol_error));
    co_return make_error_code(errc::protocol_error);
  }
  if (state_ == state::binding) state_ = state::bound;
  notify_all(slot_waiters_);
  co_return std::error_code{};
}

std::optional<std::uint32_t> session::enqueue_request(const smpp::pdu_body& body, std::uint64_t tag,
                                                      bool control) {
  const auto id = std::visit(
      [](const auto& b) -> smpp::command_id {
        if constexpr (std::is_same_v<std::decay_t<decltype(b)>, smpp::unknown_pdu>) {
          return b.id;
        } else {
          return std::decay_t<decltype(b)>::id;
        }
      },
      body);
  const auto seq = window_.try_acquire(id, now(), options_.response_timeout, tag, control);
  if (!seq) return std::nullopt;
  smpp::pdu p{smpp::command_status::esme_rok, *seq, body};
  smpp::encode(p, out_);
  ++stats_.requests_sent;
  wake_writer();
  return seq;
}

bool session::try_submit(const smpp::submit_sm& sm, std::uint64_t tag) {
  if (state_ != state::bound || window_.full()) return false;
  const auto seq =
      window_.try_acquire(smpp::command_id::submit_sm, now(), options_.response_timeout, tag);
  if (!seq) return false;
  smpp::encode(smpp::make_pdu(sm, *seq), out_);
  ++stats_.requests_sent;
  wake_writer();
  return true;
}

bool session::try_submit_encoded(std::span<const std::uint8_t> pdu_bytes, std::uint64_t tag) {
  if (state_ != state::bound || window_.full() || pdu_bytes.size() < smpp::header_size) {
    return false;
  }
  const auto seq =
      window_.try_acquire(smpp::command_id::submit_sm, now(), options_.response_timeout, tag);
  if (!seq) return false;
  const std::size_t at = out_.size();
  out_.insert(out_.end(), pdu_bytes.begin(), pdu_bytes.end());
  put_u32(out_.data() + at + 12, *seq);
  ++stats_.requests_sent;
  wake_writer();
  return true;
}

asio::awaitable<std::error_code> session::wait_for_slot(steady_time deadline) {
  auto self = shared_from_this();
  for (;;) {
    if (state_ == state::closed || state_ == state::unbinding) {
      co_return make_error_code(errc::connection_closed);
    }
    if (state_ == state::bound && !window_.full()) co_return std::error_code{};
    if (now() >= deadline) co_return make_error_code(errc::timeout);
    co_await sleep_until_notified(slot_waiters_, deadline);
  }
}

asio::awaitable<std::error_code> session::wait_drained(steady_time deadline) {
  auto self = shared_from_this();
  for (;;) {
    if (window_.in_flight() == 0) co_return std::error_code{};
    if (state_ == state::closed) co_return make_error_code(errc::connection_closed);
    if (now() >= deadline) co_return make_error_code(errc::timeout);
    co_await sleep_until_notified(slot_waiters_, deadline);
  }
}

asio::awaitable<result<smpp::pdu>> session::request(smpp::pdu_body body) {
  auto self = shared_from_this();
  const smpp::pdu probe{smpp::command_status::esme_rok, 0, body};
  const auto id = probe.command_id();
  // Binds, unbind and enquire_link use the reserve, so they never wait behind submits.
  const bool control = !is_submit_like(id);
  if (!control) {
    auto ec = co_await wait_for_slot();
    if (ec) co_return ec;
  } else if (state_ == state::closed || state_ == state::idle || state_ == state::connecting) {
    co_return make_error_code(errc::not_bound);
  }
  waiter w(this, executor_);
  const auto seq = enqueue_request(body, 0, control);
  if (!seq) co_return make_error_code(errc::not_bound);  // control reserve exhausted
  w.sequence_number = *seq;
  waiters_[*seq] = &w;
  while (!w.outcome) {
    std::error_code ignored;
    co_await w.wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(*w.outcome);
}

asio::awaitable<result<std::string>> session::submit(smpp::submit_sm sm) {
  auto self = shared_from_this();
  auto response = co_await request(smpp::pdu_body(std::move(sm)));
  if (!response) co_return response.error();
  if (response->command_status != smpp::command_status::esme_rok) {
    co_return make_error_code(response->command_status);
  }
  if (const auto* resp = response->get_if<smpp::submit_sm_resp>()) {
    co_return std::string(resp->message_id.view());
  }
  co_return make_error_code(errc::protocol_error);
}

asio::awaitable<std::error_code> session::enquire_link() {
  auto self = shared_from_this();
  auto response = co_await request(smpp::pdu_body(smpp::enquire_link{}));
  if (!response) co_return response.error();
  if (response->command_status != smpp::command_status::esme_rok) {
    co_return make_error_code(response->command_status);
  }
  co_return std::error_code{};
}

asio::awaitable<result<smpp::pdu>> session::receive_deliver(std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  const auto deadline = now() + timeout;
  for (;;) {
    if (!delivers_.empty()) {
      smpp::pdu p = std::move(delivers_.front());
      delivers_.pop_front();
      co_return p;
    }
    if (state_ == state::closed) co_return make_error_code(errc::connection_closed);
    if (now() >= deadline) co_return make_error_code(errc::timeout);
    co_await sleep_until_notified(deliver_waiters_, deadline);
  }
}

asio::awaitable<std::error_code> session::unbind() {
  auto self = shared_from_this();
  if (state_ != state::bound && state_ != state::binding) {
    co_return make_error_code(errc::not_bound);
  }
  state_ = state::unbinding;
  notify_all(slot_waiters_);
  auto response = co_await request(smpp::pdu_body(smpp::unbind{}));
  std::error_code ec;
  if (!response) {
    ec = response.error();
  } else if (response->command_status != smpp::command_status::esme_rok) {
    ec = make_error_code(response->command_status);
  }
  close(make_error_code(errc::closed_locally));
  co_return ec;
}

void session::close(std::error_code reason) {
  if (state_ == state::closed) return;
  state_ = state::closed;
  close_reason_ = reason;
  if (transport_) transport_->close();
  writer_wake_.cancel();
  ticker_timer_.cancel();
  std::vector<pending_request> pending;
  window_.drain(pending);
  const auto t = now();
  for (const auto& r : pending) finish(r, make_error_code(errc::connection_closed), nullptr, t);
  notify_all(slot_waiters_);
  notify_all(deliver_waiters_);
  notify_all(closed_waiters_);
  if (on_closed_) on_closed_(reason);
}

asio::awaitable<void> session::wait_closed() {
  auto self = shared_from_this();
  while (state_ != state::closed) {
    co_await sleep_until_notified(closed_waiters_, steady_time::max());
  }
}

void session::wake_writer() {
  if (writer_idle_) {
    writer_idle_ = false;
    writer_wake_.cancel();
  }
}

void session::notify_all(std::vector<asio::steady_timer*>& list) {
  for (auto* t : list) t->cancel();
}

asio::awaitable<void> session::sleep_until_notified(std::vector<asio::steady_timer*>& list,
                                                    steady_time deadline) {
  asio::steady_timer timer(executor_, deadline);
  list.push_back(&timer);
  std::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  list.erase(std::find(list.begin(), list.end(), &timer));
}

void session::close_after_flush(std::error_code reason) {
  close_after_flush_ = true;
  close_after_flush_reason_ = reason;
  if (state_ != state::closed) state_ = state::unbinding;
  wake_writer();
}

asio::awaitable<void> session::writer(std::shared_ptr<session> self) {
  while (self->state_ != state::closed) {
    if (self->out_.empty()) {
      if (self->close_after_flush_) {
        self->close(self->close_after_flush_reason_);
        break;
      }
      self->writer_idle_ = true;
      std::error_code ignored;
      co_await self->writer_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      self->writer_idle_ = false;
      continue;
    }
    std::swap(self->out_, self->writing_);
    const auto [ec, n] = co_await self->transport_->write(asio::buffer(self->writing_));
    self->writing_.clear();
    if (ec) {
      self->close(make_error_code(errc::connection_closed));
      break;
    }
    self->stats_.bytes_written += n;
    ++self->stats_.writes;
  }
}

asio::awaitable<void> session::reader(std::shared_ptr<session> self) {
  const std::size_t max_pdu = self->options_.max_pdu_bytes;
  std::vector<std::uint8_t> buffer(std::max(self->options_.read_buffer_bytes, max_pdu));
  std::size_t have = 0;
  while (self->state_ != state::closed) {
    const auto [ec, n] = co_await self->transport_->read_some(
        asio::buffer(buffer.data() + have, buffer.size() - have));
    if (ec || n == 0) {
      self->close(make_error_code(self->close_after_flush_ ? errc::unbound_by_peer
                                                           : errc::connection_closed));
      break;
    }
    self->stats_.bytes_read += n;
    have += n;
    const auto t = now();
    self->link_.on_activity(t);
    std::size_t pos = 0;
    bool fatal = false;
    while (self->state_ != state::closed) {
      const auto fr =
          smpp::next_frame(std::span<const std::uint8_t>(buffer.data() + pos, have - pos), max_pdu);
      if (fr.kind == smpp::frame_kind::need_more) break;
      if (fr.kind == smpp::frame_kind::fatal) {
        smpp::encode_header_only(smpp::command_id::generic_nack, fr.status,
                                 fr.header.sequence_number, self->out_);
        fatal = true;
        break;
      }
      self->handle_frame(std::span<const std::uint8_t>(buffer.data() + pos, fr.size), t);
      pos += fr.size;
    }
    if (pos != 0 && pos < have) std::memmove(buffer.data(), buffer.data() + pos, have - pos);
    have -= pos;
    if (fatal) {
      self->close_after_flush(make_error_code(errc::protocol_error));
      break;
    }
    if (self->slot_freed_) {
      self->slot_freed_ = false;
      self->notify_all(self->slot_waiters_);
    }
    if (!self->out_.empty()) self->wake_writer();
  }
}

asio::awaitable<void> session::ticker(std::shared_ptr<session> self) {
  // A tick, not a timer per request: expiry is exact to within one tick.
  const auto tick =
      std::clamp<std::chrono::nanoseconds>(self->options_.response_timeout / 8, 1ms, 100ms);
  while (self->state_ != state::closed) {
    self->ticker_timer_.expires_after(tick);
    std::error_code ignored;
    co_await self->ticker_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (self->state_ == state::closed) break;
    const auto t = now();
    self->expired_.clear();
    if (self->window_.expire(t, self->expired_) != 0) {
      bool link_dead = false;
      for (const auto& r : self->expired_) {
        ++self->stats_.timeouts;
        if (r.command_id == smpp::command_id::enquire_link) link_dead = true;
        self->finish(r, make_error_code(errc::timeout), nullptr, t);
      }
      self->notify_all(self->slot_waiters_);
      if (link_dead) {
        self->close(make_error_code(errc::timeout));
        break;
      }
    }
    if (self->state_ == state::bound && self->link_.due(t)) {
      self->link_.on_activity(t);
      if (self->enqueue_request(smpp::pdu_body(smpp::enquire_link{}), 0, true)) {
        ++self->stats_.enquire_links_sent;
      }
    }
  }
}

void session::finish(const pending_request& request, std::error_code error,
                     const smpp::pdu* response, steady_time t) {
  if (!waiters_.empty()) {
    if (auto it = waiters_.find(request.sequence_number); it != waiters_.end()) {
      waiter* w = it->second;
      waiters_.erase(it);
      w->sequence_number = 0;
      if (error) {
        w->outcome.emplace(error);
      } else {
        w->outcome.emplace(*response);
      }
      w->wake.cancel();
      return;
    }
  }
  if (request.control || !on_response_) return;
  response_event e;
  e.tag = request.tag;
  e.sequence_number = request.sequence_number;
  e.request_id = request.command_id;
  e.error = error;
  e.sent_at = request.sent_at;
  e.received_at = t;
  if (response) {
    e.command_status = response->command_status;
    if (const auto* r = response->get_if<smpp::submit_sm_resp>())
      e.message_id = r->message_id.view();
  }
  on_response_(e);
}

void session::handle_frame(std::span<const std::uint8_t> frame, steady_time t) {
  const auto header = smpp::read_header(frame.first<smpp::header_size>());
  if (smpp::is_response(header.command_id)) {
    handle_response(header, frame, t);
  } else {
    handle_request(header, frame);
  }
}

void session::handle_response(const smpp::pdu_header& header, std::span<const std::uint8_t> frame,
                              steady_time t) {
  ++stats_.responses;
  const auto request = window_.complete(header.sequence_number, header.command_id);
  if (!request) {
    ++stats_.unexpected_responses;  // late (timed out), duplicated, or invented: ignore it
    return;
  }
  if (!request->control) slot_freed_ = true;
  auto decoded = smpp::decode(frame);
  if (decoded) {
    finish(*request, {}, &*decoded, t);
    return;
  }
  // An error response carries no body; a malformed body still tells us the status.
  smpp::pdu bare{header.command_status, header.sequence_number, smpp::generic_nack{}};
  if (header.command_id == smpp::command_id::submit_sm_resp) {
    bare.body = smpp::submit_sm_resp{};
  }
  finish(*request, {}, &bare, t);
}

void session::handle_request(const smpp::pdu_header& header, std::span<const std::uint8_t> frame) {
  using smpp::command_id;
  switch (header.command_id) {
    case command_id::enquire_link:
      ++stats_.enquire_links_answered;
      smpp::encode_header_only(command_id::enquire_link_resp, smpp::command_status::esme_rok,
                               header.sequence_number, out_);
      return;
    case command_id::unbind:
      smpp::encode_header_only(command_id::unbind_resp, smpp::command_status::esme_rok,
                               header.sequence_number, out_);
      close_after_flush(make_error_code(errc::unbound_by_peer));
      return;
    case command_id::deliver_sm:
    case command_id::data_sm: {
      ++stats_.delivers;
      auto decoded = smpp::decode(frame);
      if (!decoded) {
        smpp::encode_error_response(decoded.error(), out_);
        if (decoded.error().close) close_after_flush(make_error_code(errc::protocol_error));
        return;
      }
      std::optional<smpp::command_status> answer = smpp::command_status::esme_rok;
      if (on_deliver_) {
        answer = on_deliver_(*decoded);
      } else {
        delivers_.push_back(std::move(*decoded));
        notify_all(deliver_waiters_);
      }
      if (answer) encode_deliver_response(header.command_id, header.sequence_number, *answer);
      return;
    }
    default:
      // Nothing else is for an ESME to answer: ESME_RINVCMDID, as the server does.
      smpp::encode_header_only(smpp::response_id(header.command_id),
                               smpp::command_status::esme_rinvcmdid, header.sequence_number, out_);
      return;
  }
}

void session::encode_deliver_response(smpp::command_id request, std::uint32_t sequence_number,
                                      smpp::command_status status) {
  if (status != smpp::command_status::esme_rok) {
    smpp::encode_header_only(smpp::response_id(request), status, sequence_number, out_);
  } else if (request == smpp::command_id::data_sm) {
    smpp::encode(smpp::make_pdu(smpp::data_sm_resp{}, sequence_number), out_);
  } else {
    smpp::encode(smpp::make_pdu(smpp::deliver_sm_resp{}, sequence_number), out_);
  }
}

void session::respond(smpp::command_id request, std::uint32_t sequence_number,
                      smpp::command_status status) {
  if (state_ != state::bound && state_ != state::unbinding) return;
  encode_deliver_response(request, sequence_number, status);
  wake_writer();
}

}  // namespace smppd::client
