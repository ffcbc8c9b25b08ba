#pragma once
// An ESME (client) session over TCP or TLS: connect, bind, submit with a send window and
// per-request timeouts, enquire_link, deliver_sm answered with deliver_sm_resp, unbind.
//
// Shape: a reader coroutine (frames many PDUs per read, matches responses by
// sequence_number through request_window), a writer coroutine (everything queued while a
// write is in flight goes out in the next single write), and a ticker coroutine (expires
// requests past their deadline, sends enquire_link after a silence). A session lives on one
// thread: call it only from its executor's thread (run its io_context on one thread).
//
// Two ways to submit:
//  - fire-and-handle, no allocation per PDU: try_submit()/try_submit_encoded() with a tag,
//    responses to the on_response handler; wait_for_slot() when the window is full;
//  - awaitable: co_await submit(sm) -> the message_id, or an error_code (a command_status
//    in the "smpp" category when the server rejected it, client::errc otherwise).

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "client/errc.hpp"
#include "client/transport.hpp"
#include "client/window.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "smpp/codec.hpp"

namespace smppd::client {

enum class bind_type : std::uint8_t { transmitter, receiver, transceiver };
std::string_view to_string(bind_type type) noexcept;

struct session_options {
  endpoint server{"127.0.0.1", 2775};
  tls_options tls;  // tls.enabled for TLS
  bind_type bind = bind_type::transceiver;
  std::string system_id;
  std::string password;
  std::string system_type;  // optional
  std::uint8_t interface_version = 0x34;
  std::size_t window = 10;                                  // submits in flight at most
  std::chrono::milliseconds connect_timeout{10'000};        // TCP connect + TLS handshake
  std::chrono::milliseconds response_timeout{10'000};       // per request, bind included
  std::chrono::milliseconds enquire_link_interval{30'000};  // after this much silence; 0: off
  std::size_t max_pdu_bytes = 65536;
  std::size_t read_buffer_bytes = 256 * 1024;
};

// A response (or the lack of one) to a request sent with try_submit*.
struct response_event {
  std::uint64_t tag = 0;
  std::uint32_t sequence_number = 0;
  smpp::command_id request_id = smpp::command_id{0};
  std::error_code error;  // errc::timeout or errc::connection_closed; empty when answered
  smpp::command_status command_status = smpp::command_status::esme_rok;
  std::string_view message_id;  // submit_sm_resp; valid during the call only
  steady_time sent_at{};
  steady_time received_at{};
};

// What to answer a deliver_sm or data_sm with; nullopt sends no response now: the caller
// answers later with session::respond() (once what it carries is durable), or never (tests
// of the server's retry). Without a handler, delivers are queued for receive_deliver() and answered
// ESME_ROK.
using deliver_handler = std::function<std::optional<smpp::command_status>(const smpp::pdu&)>;
using response_handler = std::function<void(const response_event&)>;
using closed_handler = std::function<void(std::error_code)>;

struct session_stats {
  std::uint64_t requests_sent = 0;
  std::uint64_t responses = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t unexpected_responses = 0;  // no request in flight with that sequence_number
  std::uint64_t delivers = 0;
  std::uint64_t enquire_links_sent = 0;
  std::uint64_t enquire_links_answered = 0;  // the server's, answered by us
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t writes = 0;
};

class session : public std::enable_shared_from_this<session> {
 public:
  enum class state : std::uint8_t { idle, connecting, binding, bound, unbinding, closed };

  static std::shared_ptr<session> create(asio::any_io_executor executor, session_options options);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Handlers: set before open().
  void on_response(response_handler handler) { on_response_ = std::move(handler); }
  void on_deliver(deliver_handler handler) { on_deliver_ = std::move(handler); }
  void on_closed(closed_handler handler) { on_closed_ = std::move(handler); }

  // Connects (bounded by connect_timeout), then binds (bounded by response_timeout). Empty on
  // success; else an Asio error (connection_refused...), errc::timeout, or the bind_resp's
  // command_status ("smpp" category). On failure the session is closed.
  asio::awaitable<std::error_code> open();

  state current_state() const noexcept { return state_; }
  bool bound() const noexcept { return state_ == state::bound; }
  // The server's system_id from bind_resp.
  const std::string& server_system_id() const noexcept { return server_system_id_; }
  const session_options& options() const noexcept { return options_; }
  const session_stats& stats() const noexcept { return stats_; }
  std::size_t in_flight() const noexcept { return window_.in_flight(); }
  bool can_submit() const noexcept { return bound() && !window_.full(); }
  // Why the session closed (empty while open).
  std::error_code close_reason() const noexcept { return close_reason_; }

  // Queues a submit_sm; false when not bound or the window is full. The response comes to
  // the on_response handler with `tag`.
  bool try_submit(const smpp::submit_sm& sm, std::uint64_t tag);
  // The same for an already encoded submit_sm PDU (any sequence_number: it is replaced), so
  // a load generator encodes once and sends many.
  bool try_submit_encoded(std::span<const std::uint8_t> pdu_bytes, std::uint64_t tag);

  // Returns when a submit fits in the window (empty), or the session closed
  // (errc::connection_closed), or `deadline` passed (errc::timeout).
  asio::awaitable<std::error_code> wait_for_slot(steady_time deadline = steady_time::max());

  // Returns when no submit is in flight any more (empty), or on close / deadline as above.
  asio::awaitable<std::error_code> wait_drained(steady_time deadline = steady_time::max());

  // Sends a request (waiting for a slot if needed) and returns its response, whatever its
  // command_status; errc::timeout after response_timeout, errc::connection_closed if the
  // session ends first.
  asio::awaitable<result<smpp::pdu>> request(smpp::pdu_body body);
  // submit_sm -> the message_id; a rejection is the command_status as an error_code.
  asio::awaitable<result<std::string>> submit(smpp::submit_sm sm);
  // Sends enquire_link and waits for its response.
  asio::awaitable<std::error_code> enquire_link();

  // The next deliver_sm (already answered ESME_ROK), when no deliver handler is set;
  // errc::timeout after `timeout`, errc::connection_closed when the session ends.
  asio::awaitable<result<smpp::pdu>> receive_deliver(std::chrono::milliseconds timeout);

  // unbind, wait for unbind_resp (response_timeout), then close. Empty on a clean unbind.
  asio::awaitable<std::error_code> unbind();
  // The deferred answer to a deliver_sm or data_sm whose handler returned nullopt; dropped
  // when the session is no longer bound (the peer sends it again).
  void respond(smpp::command_id request, std::uint32_t sequence_number,
               smpp::command_status status);
  // Closes at once; requests in flight fail with errc::connection_closed.
  void close(std::error_code reason = make_error_code(errc::closed_locally));
  // Returns when the session has closed.
  asio::awaitable<void> wait_closed();

 private:
  struct waiter;  // a coroutine awaiting one response

  session(asio::any_io_executor executor, session_options options);

  static asio::awaitable<void> reader(std::shared_ptr<session> self);
  static asio::awaitable<void> writer(std::shared_ptr<session> self);
  static asio::awaitable<void> ticker(std::shared_ptr<session> self);

  std::optional<std::uint32_t> enqueue_request(const smpp::pdu_body& body, std::uint64_t tag,
                                               bool control);
  void handle_frame(std::span<const std::uint8_t> frame, steady_time now);
  void handle_response(const smpp::pdu_header& header, std::span<const std::uint8_t> frame,
                       steady_time now);
  void handle_request(const smpp::pdu_header& header, std::span<const std::uint8_t> frame);
  void finish(const pending_request& request, std::error_code error, const smpp::pdu* response,
              steady_time now);
  void encode_deliver_response(smpp::command_id request, std::uint32_t sequence_number,
                               smpp::command_status status);
  void wake_writer();
  void notify_all(std::vector<asio::steady_timer*>& list);
  asio::awaitable<void> sleep_until_notified(std::vector<asio::steady_timer*>& list,
                                             steady_time deadline);
  void close_after_flush(std::error_code reason);

  asio::any_io_executor executor_;
  session_options options_;
  std::unique_ptr<transport> transport_;
  state state_ = state::idle;
  std::error_code close_reason_;
  std::string server_system_id_;

  request_window window_;
  link_timer link_;
  session_stats stats_;

  std::vector<std::uint8_t> out_;      // queued for the next write
  std::vector<std::uint8_t> writing_;  // the write in flight
  asio::steady_timer writer_wake_;
  bool writer_idle_ = false;
  bool close_after_flush_ = false;
  std::error_code close_after_flush_reason_;
  asio::steady_timer ticker_timer_;

  std::unordered_map<std::uint32_t, waiter*> waiters_;
  std::vector<asio::steady_timer*> slot_waiters_;
  std::vector<asio::steady_timer*> deliver_waiters_;
  std::vector<asio::steady_timer*> closed_waiters_;
  bool slot_freed_ = false;
  std::deque<smpp::pdu> delivers_;
  std::vector<pending_request> expired_;  // scratch for the ticker

  response_handler on_response_;
  deliver_handler on_deliver_;
  closed_handler on_closed_;
};

}  // namespace smppd::client
