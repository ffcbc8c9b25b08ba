#include "server/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <charconv>
#include <mutex>
#include <type_traits>

#include "common/log_limiter.hpp"
#include "dlr/deliver.hpp"
#include "smpp/codec.hpp"
#include "smpp/framer.hpp"

namespace smppd::server {
namespace {

using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using tls_stream = asio::ssl::stream<tcp::socket>;

// Plain TCP sessions read into this per-thread buffer after the socket reports readable,
// so an idle session holds no read buffer at all; only an incomplete PDU tail is copied
// into the session.
constexpr std::size_t scratch_size = 64 * 1024;
thread_local std::array<std::uint8_t, scratch_size> read_scratch;

// TLS sessions read through OpenSSL's own buffering into a buffer of their own.
constexpr std::size_t tls_read_size = 16 * 1024;

// After a burst, buffers larger than this are given back so idle sessions stay small.
constexpr std::size_t keep_capacity = 4 * 1024;

// How long a closing session may take to flush its last bytes to a client not reading.
constexpr std::chrono::seconds close_linger{5};

std::string peer_of(const tcp::socket& socket) {
  std::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::string address_of(const tcp::socket& socket) {
  std::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? "?" : endpoint.address().to_string();
}

void trim(std::vector<std::uint8_t>& buffer) {
  if (buffer.empty() && buffer.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(buffer);
}

template <class Stream>
class session final : public session_base,
                      public core::receipt_target,
                      public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

 public:
  session(Stream stream, server_context& context)
      : stream_(std::move(stream)),
        context_(context),
        io_(static_cast<asio::io_context&>(
            asio::query(stream_.get_executor(), asio::execution::context))),
        id_(context.next_session_id.fetch_add(1)),
        peer_(peer_of(socket())),
        peer_address_(address_of(socket())),
        core_(context.settings, context.gate, std::chrono::steady_clock::now()),
        log_limiter_(context.log_burst, context.log_interval),
        timer_(stream_.get_executor()),
        write_wake_(stream_.get_executor()),
        read_wake_(stream_.get_executor()) {}

  ~session() override {
    detach_receipts();
    if (registered_) {
      context_.registry.unbind(core_.system_id());
      context_.bound[static_cast<std::size_t>(bind_kind_)].fetch_sub(1, std::memory_order_relaxed);
    }
    context_.sessions.remove(id_);
    log_suppressed(std::chrono::steady_clock::now(), true);
    context_.log->info("session={} peer={} account={} closed: {}", id_, peer_, core_.system_id(),
                       close_reason_.empty() ? "connection ended" : close_reason_);
  }

  static void start(std::shared_ptr<session> self) {
    self->context_.sessions.add(self->id_, self);
    self->context_.log->debug("session={} peer={} connected{}", self->id_, self->peer_,
                              is_tls ? " (TLS)" : "");
    asio::co_spawn(self->executor(), run(self), asio::detached);
  }

  session_view view() const override {
    session_view v;
    v.id = id_;
    v.peer = peer_;
    v.since = connected_at_;
    {
      std::lock_guard lock(view_mutex_);
      v.system_id = bound_account_;
      v.bind = bound_kind_name_;
    }
    v.submits = submits_taken_.load(std::memory_order_relaxed);
    v.deliveries = deliveries_sent_.load(std::memory_order_relaxed);
    v.in_flight = deliveries_open_.load(std::memory_order_relaxed);
    return v;
  }

  void request_unbind() override {
    asio::post(executor(), [self = this->shared_from_this()] {
      if (self->closing_) return;
      self->handle(self->core_.start_unbind(std::chrono::steady_clock::now(), self->pending_));
      self->wake_writer();
    });
  }

  void deliver(std::vector<core::receipt_ptr> receipts) override {
    asio::post(executor(), [self = this->shared_from_this(), receipts = std::move(receipts)] {
      self->send_receipts(receipts);
    });
  }

 private:
  auto executor() { return stream_.get_executor(); }
  tcp::socket& socket() {
    if constexpr (is_tls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  static awaitable<void> run(std::shared_ptr<session> self) {
    if constexpr (is_tls) {
      if (!co_await self->handshake()) co_return;
    } else {
      std::error_code ec;
      self->socket().non_blocking(true, ec);
      self->socket().set_option(tcp::no_delay(true), ec);
    }
    asio::co_spawn(self->executor(), write_loop(self), asio::detached);
    asio::co_spawn(self->executor(), timer_loop(self), asio::detached);
    while (!self->closing_) {
      if (self->held_back()) {
        // Backpressure: the client is not reading its responses, or sends faster than the
        // store commits; stop reading its requests until that drains.
        std::error_code ec;
        self->read_wake_.expires_at(asio::steady_timer::time_point::max());
        co_await self->read_wake_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      if (!co_await self->read_and_process()) {
        self->force_close();  // the client is gone: nothing left to deliver
        break;
      }
    }
  }

  awaitable<bool> handshake() {
    using namespace asio::experimental::awaitable_operators;
    std::error_code ec;
    asio::steady_timer deadline(executor());
    deadline.expires_after(context_.settings.bind_timeout);
    const auto result =
        co_await (stream_.async_handshake(asio::ssl::stream_base::server,
                                          asio::redirect_error(use_awaitable, ec)) ||
                  deadline.async_wait(use_awaitable));
    if (result.index() != 0 || ec) {
      close_reason_ =
          result.index() != 0 ? "TLS handshake timeout" : "TLS handshake failed: " + ec.message();
      std::error_code ignored;
      socket().close(ignored);
      co_return false;
    }
    co_return true;
  }

  // False when the connection is gone.
  awaitable<bool> read_and_process() {
    std::error_code ec;
    if constexpr (is_tls) {
      tls_buffer_.resize(tls_read_size);
      const std::size_t n = co_await stream_.async_read_some(
          asio::buffer(tls_buffer_), asio::redirect_error(use_awaitable, ec));
      if (ec) co_return note_read_error(ec);
      process({tls_buffer_.data(), n});
    } else {
      co_await stream_.async_wait(tcp::socket::wait_read, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return note_read_error(ec);
      // Several reads per wake-up while data keeps coming, up to a limit for fairness.
      for (int i = 0; i < 4 && !closing_ && !held_back(); ++i) {
        const std::size_t n = stream_.read_some(asio::buffer(read_scratch), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) break;
        if (ec) co_return note_read_error(ec);
        process({read_scratch.data(), n});
        if (n < read_scratch.size()) break;
      }
    }
    co_return true;
  }

  bool held_back() const {
    return pending_.size() + writing_.size() > context_.max_pending_output ||
           outstanding_submits_ >= context_.max_outstanding_submits;
  }

  bool note_read_error(const std::error_code& ec) {
    if (close_reason_.empty() && !closing_) {
      close_reason_ = ec == asio::error::eof ? "closed by client" : "read error: " + ec.message();
    }
    return false;
  }

  void process(std::span<const std::uint8_t> data) {
    const auto now = std::chrono::steady_clock::now();
    const auto wall = std::chrono::system_clock::now();
    std::span<const std::uint8_t> input = data;
    const bool carried = !partial_.empty();
    if (carried) {
      partial_.insert(partial_.end(), data.begin(), data.end());
      input = partial_;
    }
    std::size_t consumed = 0;
    while (!closing_) {
      const auto frame = smpp::next_frame(input.subspan(consumed), context_.max_pdu_bytes);
      if (frame.kind == smpp::frame_kind::need_more) break;
      if (frame.kind == smpp::frame_kind::fatal) {
        handle(core_.on_frame_error(frame, pending_));
        consumed = input.size();
        break;
      }
      auto decoded = smpp::decode(input.subspan(consumed, frame.size));
      consumed += frame.size;
      if (decoded) {
        handle(core_.on_pdu(std::move(*decoded), now, wall, pending_));
      } else {
        handle(core_.on_decode_error(decoded.error(), now, pending_));
      }
    }
    if (closing_) consumed = input.size();
    if (carried) {
      partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(consumed));
    } else {
      partial_.assign(input.begin() + static_cast<std::ptrdiff_t>(consumed), input.end());
    }
    trim(partial_);
    flush_submits();
    flush_acks();
    wake_writer();
  }

  void handle(session_events&& events) {
    // A deadline sooner than the armed one (bound now, an unbind sent) re-arms the timer.
    if (!closing_ && core_.next_deadline() < armed_deadline_) timer_.cancel();
    if (events.bind) start_bind(std::move(*events.bind));
    for (const auto& ack : events.acks) note_ack(ack);
    if (events.submit_sequence) submit(*events.submit_sequence, std::move(events.submit));
    if (!events.reason.empty() && !events.close) log_limited(events.kind, events.reason);
    if (events.close) {
      flush_submits();  // what came before the unbind (or the error) is taken, as answered
      begin_close(events.reason);
    }
  }

  // Refusals and protocol errors are one line each, up to a burst per interval; beyond it
  // they are counted by kind and summed up in one line, so a client cannot fill the disk.
  void log_limited(std::string_view kind, std::string_view line) {
    const auto now = std::chrono::steady_clock::now();
    log_suppressed(now, false);
    if (log_limiter_.admit(kind.empty() ? "other" : kind, now)) {
      context_.log->info("session={} peer={} account={} {}", id_, peer_, core_.system_id(), line);
    }
  }

  void log_suppressed(steady_time now, bool force) {
    const auto counts = log_limiter_.summary(now, force);
    if (counts.empty()) return;
    std::uint64_t total = 0;
    for (const auto& [kind, n] : counts) total += n;
    context_.log->info(
        "session={} peer={} account={} {} more lines not logged (limit {} per {} s): {}", id_,
        peer_, core_.system_id(), total, context_.log_burst, context_.log_interval.count(),
        format_counts(counts));
  }

  // The core is done with the session: flush what it wrote (a last response, an
  // unbind_resp), then close; a client that does not read gets close_linger, no more.
  void begin_close(const std::string& reason) {
    if (close_reason_.empty()) close_reason_ = reason;
    if (closing_) return;
    closing_ = true;
    flush_acks();
    detach_receipts();
    close_deadline_ = std::chrono::steady_clock::now() + close_linger;
    timer_.cancel();
    read_wake_.cancel();
    write_wake_.cancel();
  }

  void force_close() {
    closing_ = true;
    if (closed_) return;
    closed_ = true;
    flush_acks();
    detach_receipts();
    std::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
    timer_.cancel();
    write_wake_.cancel();
    read_wake_.cancel();
  }

  void start_bind(bind_request request) {
    asio::post(context_.auth_pool, [self = this->shared_from_this(), request = std::move(request)] {
      self->context_.auth.authenticate(
          request, self->peer_address_, std::chrono::steady_clock::now(),
          [self, request](const bind_outcome& outcome) {
            asio::post(self->executor(),
                       [self, request, outcome] { self->finish_bind(request, outcome); });
          });
    });
  }

  void finish_bind(const bind_request& request, const bind_outcome& outcome) {
    auto events =
        core_.on_bind_result(request, outcome, std::chrono::steady_clock::now(), pending_);
    const bool ok = outcome.status == smpp::command_status::esme_rok;
    if (ok && core_.bound()) {
      registered_ = true;
      bind_kind_ = request.kind;
      {
        std::lock_guard lock(view_mutex_);
        bound_account_ = request.system_id;
        bound_kind_name_ = name(request.kind);
      }
      context_.bound[static_cast<std::size_t>(bind_kind_)].fetch_add(1, std::memory_order_relaxed);
      if (core_.can_receive() && !closing_) {
        attached_ = true;
        context_.receipts.attach(id_, request.system_id, context_.settings.window,
                                 this->weak_from_this());
      }
    } else if (ok) {
      context_.registry.unbind(request.system_id);  // the session ended while checking
    } else {
      context_.binds_refused.add(static_cast<std::uint32_t>(outcome.status));
    }
    context_.log->info("session={} peer={} account={} bind {} version=0x{:02x}: {}", id_, peer_,
                       request.system_id, name(request.kind), request.interface_version,
                       smpp::name(outcome.status));
    handle(std::move(events));
    wake_writer();
  }

  // Collected over one read and handed to the sink together (flush_submits).
  void submit(std::uint32_t sequence_number, core::message_record message) {
    ++outstanding_submits_;
    submits_taken_.fetch_add(1, std::memory_order_relaxed);
    submit_ids_.emplace_back(sequence_number, message.id);
    submit_messages_.push_back(std::move(message));
  }

  void flush_submits() {
    if (submit_messages_.empty()) return;
    auto messages = std::move(submit_messages_);
    submit_messages_.clear();
    auto done = [self = this->shared_from_this(), ids = std::move(submit_ids_)](
                    std::span<const smpp::command_status> statuses) mutable {
      if (self->io_.get_executor().running_in_this_thread()) {
        for (std::size_t i = 0; i < ids.size(); ++i)
          self->submit_done(ids[i].first, ids[i].second, statuses[i]);
        return;  // the read that submitted them wakes the writer
      }
      asio::post(self->executor(),
                 [self, ids = std::move(ids),
                  statuses = std::vector<smpp::command_status>(statuses.begin(), statuses.end())] {
                   for (std::size_t i = 0; i < ids.size(); ++i)
                     self->submit_done(ids[i].first, ids[i].second, statuses[i]);
                   self->wake_writer();
                 });
    };
    submit_ids_.clear();
    context_.sink.accept(std::move(messages), std::move(done));
  }

  void submit_done(std::uint32_t sequence_number, std::uint64_t id, smpp::command_status status) {
    if (outstanding_submits_-- == context_.max_outstanding_submits) read_wake_.cancel();
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
    core_.on_submit_result(sequence_number, status,
                           std::string_view(digits, static_cast<std::size_t>(end - digits)),
                           pending_);
  }

  // Receipts the engine assigned to this session, as deliver_sm within the window.
  void send_receipts(const std::vector<core::receipt_ptr>& receipts) {
    const auto now = std::chrono::steady_clock::now();
    for (const auto& receipt : receipts) {
      if (closing_ || !core_.can_receive()) return;  // detach gave them back already
      if (core_.free_window() == 0) {  // the engine counts the window too; never expected
        acks_.push_back({receipt->receipt_id, false});
        continue;
      }
      const auto sequence = core_.send_deliver_sm(dlr::make_deliver_sm(*receipt), now, pending_);
      deliveries_.emplace_back(sequence, receipt->receipt_id);
      deliveries_sent_.fetch_add(1, std::memory_order_relaxed);
      deliveries_open_.store(deliveries_.size(), std::memory_order_relaxed);
    }
    flush_acks();
    wake_writer();
  }

  // A deliver_sm answered, refused or timed out (its sequence number is ours, by construction).
  void note_ack(const delivery_ack& ack) {
    const auto it = std::find_if(deliveries_.begin(), deliveries_.end(),
                                 [&](const auto& d) { return d.first == ack.sequence_number; });
    if (it == deliveries_.end()) return;
    const bool ok = ack.status == smpp::command_status::esme_rok;
    if (!ok) {
      const std::string why =
          ack.timed_out
              ? "no response in " + std::to_string(core_.settings().response_timeout.count()) + " s"
              : std::string(smpp::name(ack.status));
      log_limited(ack.timed_out ? "receipt unanswered" : "receipt refused",
                  "receipt " + std::to_string(it->second) + " not acknowledged (" + why +
                      "): retried later");
    }
    acks_.push_back({it->second, ok});
    *it = deliveries_.back();
    deliveries_.pop_back();
    deliveries_open_.store(deliveries_.size(), std::memory_order_relaxed);
  }

  void flush_acks() {
    if (acks_.empty()) return;
    if (attached_) context_.receipts.acked(id_, acks_);
    acks_.clear();
  }

  void detach_receipts() {
    if (!attached_) return;
    attached_ = false;
    deliveries_.clear();
    deliveries_open_.store(0, std::memory_order_relaxed);
    context_.receipts.detach(id_);
  }

  void wake_writer() {
    if (!pending_.empty()) write_wake_.cancel();
  }

  static awaitable<void> write_loop(std::shared_ptr<session> self) {
    std::error_code ec;
    while (!self->closed_) {
      if (self->pending_.empty()) {
        if (self->closing_) break;
        self->write_wake_.expires_at(asio::steady_timer::time_point::max());
        co_await self->write_wake_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      std::swap(self->pending_, self->writing_);
      co_await asio::async_write(self->stream_, asio::buffer(self->writing_),
                                 asio::redirect_error(use_awaitable, ec));
      self->writing_.clear();
      trim(self->writing_);
      if (ec) {
        if (self->close_reason_.empty()) self->close_reason_ = "write error: " + ec.message();
        break;
      }
      self->read_wake_.cancel();  // room again if the reader was held back
    }
    self->force_close();
  }

  static awaitable<void> timer_loop(std::shared_ptr<session> self) {
    std::error_code ec;
    while (!self->closed_) {
      self->armed_deadline_ = self->closing_ ? self->close_deadline_ : self->core_.next_deadline();
      self->timer_.expires_at(self->armed_deadline_);
      co_await self->timer_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (self->closed_) break;
      const auto now = std::chrono::steady_clock::now();
      if (self->closing_) {
        if (now >= self->close_deadline_) self->force_close();
        continue;
      }
      if (now < self->core_.next_deadline()) continue;  // re-armed or woken early
      self->handle(self->core_.on_tick(now, self->pending_));
      self->flush_acks();
      self->wake_writer();
    }
  }

  Stream stream_;
  server_context& context_;
  asio::io_context& io_;  // the one thread this session runs on
  const std::uint64_t id_;
  const std::string peer_;
  const std::string peer_address_;  // without the port: what failed binds are counted by
  session_core core_;
  log_limiter<steady_time> log_limiter_;
  asio::steady_timer timer_;
  asio::steady_timer write_wake_;
  asio::steady_timer read_wake_;
  std::vector<std::uint8_t> partial_;  // an incomplete PDU carried to the next read
  std::vector<std::uint8_t> pending_;  // encoded output not yet handed to the socket
  std::vector<std::uint8_t> writing_;  // output being written
  std::vector<std::uint8_t> tls_buffer_;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> deliveries_;  // deliver_sm seq → receipt
  std::vector<core::receipt_ack> acks_;  // collected over one read, reported together
  std::string close_reason_;
  steady_time close_deadline_{};
  steady_time armed_deadline_ = steady_time::max();
  bool closing_ = false;     // no more input is processed; output is being flushed
  bool closed_ = false;      // the socket is closed
  bool registered_ = false;  // holds a slot in the bind registry
  bind_kind bind_kind_ = bind_kind::transmitter;  // once registered_
  // What view() reads from other threads.
  const wall_time connected_at_ = std::chrono::system_clock::now();
  mutable std::mutex view_mutex_;
  std::string bound_account_;
  std::string bound_kind_name_;
  std::atomic<std::uint64_t> submits_taken_{0};
  std::atomic<std::uint64_t> deliveries_sent_{0};
  std::atomic<std::uint64_t> deliveries_open_{0};
  bool attached_ = false;
  std::uint32_t outstanding_submits_ = 0;  // accepted, waiting for the sink's verdict
  // This read's submit_sm, not yet handed to the sink, and their (sequence_number, id).
  std::vector<core::message_record> submit_messages_;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> submit_ids_;
};

}  // namespace

void start_session(tcp::socket socket, server_context& context) {
  session<tcp::socket>::start(std::make_shared<session<tcp::socket>>(std::move(socket), context));
}

void start_tls_session(tls_stream stream, server_context& context) {
  session<tls_stream>::start(std::make_shared<session<tls_stream>>(std::move(stream), context));
}

}  // namespace smppd::server
