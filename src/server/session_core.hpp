#pragma once
// The SMPP session state machine of the server side, without I/O (SMPP 3.4 section 2.3):
// it takes decoded PDUs, decode errors and the time, appends the bytes to send to `wire`,
// and tells its async shell (session.hpp) what needs work outside the session: checking
// credentials, accepting a message, a receipt acknowledged, closing. Timers are a pure
// function of `now` (next_deadline / on_tick), so tests step time without sleeping.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "core/records.hpp"
#include "smpp/codec.hpp"
#include "smpp/submit_validation.hpp"

namespace smppd::server {

enum class session_state : std::uint8_t {
  open,     // connected, not bound
  binding,  // bind received, credentials being checked
  bound_tx,
  bound_rx,
  bound_trx,
  unbinding,  // the server sent unbind and waits for unbind_resp
  closed,
};

const char* name(session_state s) noexcept;

enum class bind_kind : std::uint8_t { transmitter, receiver, transceiver };
const char* name(bind_kind k) noexcept;

struct session_settings {
  std::chrono::seconds bind_timeout{30};
  std::chrono::seconds enquire_link_interval{30};
  std::chrono::seconds enquire_link_timeout{90};
  std::chrono::seconds response_timeout{30};  // for deliver_sm sent to the client
  std::chrono::seconds unbind_timeout{5};
  std::uint32_t window = 10;
  std::string server_system_id = "smppd";
  // More protocol errors than this (unsupported commands, undecodable PDUs, responses to
  // nothing) within protocol_error_period close the session; 0 = no limit.
  std::uint32_t max_protocol_errors = 100;
  std::chrono::seconds protocol_error_period{60};
};

// What a session needs from the rest of the node to take a submit_sm: the account's
// throughput limit, which all its sessions (and nodes) share, and the node's message ids.
// Thread-safe implementations; tests give a fake one.
class submit_gate {
 public:
  virtual ~submit_gate() = default;
  // False: over the account's throughput limit (ESME_RTHROTTLED).
  virtual bool try_submit(const std::string& system_id, steady_time now) = 0;
  virtual std::uint64_t next_message_id(wall_time now) = 0;
  // Every submit_sm_resp, by its status (for /metrics); from the session's thread.
  virtual void submit_answered(smpp::command_status) {}
};

struct bind_request {
  bind_kind kind;
  std::uint32_t sequence_number;
  std::string system_id;
  std::string password;
  std::uint8_t interface_version;
};

struct bind_outcome {
  smpp::command_status status;
  smpp::submit_policy policy;                // the account's limits, when status is ESME_ROK
  std::vector<std::string> allowed_classes;  // storage behind policy.allowed_classes
  std::string webhook_url;  // the account's status webhook: its messages' callback_url
};

// An in-flight deliver_sm got its answer, or none within response_timeout (timed_out, with
// status ESME_RSYSERR so it counts as failed).
struct delivery_ack {
  std::uint32_t sequence_number;
  smpp::command_status status;
  bool timed_out = false;
};

// What the shell must do after the core handled an input. More than one may be set.
struct session_events {
  std::optional<bind_request> bind;  // check credentials, then call on_bind_result
  // `submit` is valid, within the throughput limit and has its id, account and submit time:
  // hand it over, then call on_submit_result.
  std::optional<std::uint32_t> submit_sequence;
  core::message_record submit;
  std::vector<delivery_ack> acks;  // deliver_sm answered, failed or timed out
  bool close = false;              // flush `wire`, then close the connection
  std::string reason;              // why, for the log, when something was refused
  // The reason's category, for rate-limited logging ("unsupported command", ...).
  std::string_view kind;
  bool protocol_error = false;  // counted against max_protocol_errors
};

class session_core {
 public:
  session_core(session_settings settings, submit_gate& gate, steady_time now);

  session_state state() const noexcept { return state_; }
  bool bound() const noexcept;
  bool can_receive() const noexcept {
    return state_ == session_state::bound_rx || state_ == session_state::bound_trx;
  }
  const std::string& system_id() const noexcept { return system_id_; }
  const session_settings& settings() const noexcept { return settings_; }
  // Protocol errors in the session so far.
  std::uint64_t protocol_errors() const noexcept { return protocol_errors_; }

  // A decoded PDU from the client.
  session_events on_pdu(smpp::pdu&& p, steady_time now, wall_time wall,
                        std::vector<std::uint8_t>& wire);
  // A frame that did not decode.
  session_events on_decode_error(const smpp::decode_error& error, steady_time now,
                                 std::vector<std::uint8_t>& wire);
  // A stream that cannot be framed (command_length out of bounds): generic_nack, close.
  session_events on_frame_error(const smpp::frame_result& frame, std::vector<std::uint8_t>& wire);

  // The verdict on a bind_request.
  session_events on_bind_result(const bind_request& request, const bind_outcome& outcome,
                                steady_time now, std::vector<std::uint8_t>& wire);
  // The verdict on an accepted submit: ESME_ROK with the message id, or the error status.
  void on_submit_result(std::uint32_t sequence_number, smpp::command_status status,
                        std::string_view message_id, std::vector<std::uint8_t>& wire);

  // Free window slots for deliver_sm (never more than `window` unacknowledged).
  std::uint32_t free_window() const noexcept;
  // Sends a deliver_sm (the caller checked can_receive() and free_window()); returns its
  // sequence_number, by which the ack comes back.
  std::uint32_t send_deliver_sm(const smpp::deliver_sm& body, steady_time now,
                                std::vector<std::uint8_t>& wire);

  // Graceful shutdown: unbind to a bound client; the session closes on unbind_resp or after
  // unbind_timeout. An unbound session just closes.
  session_events start_unbind(steady_time now, std::vector<std::uint8_t>& wire);

  // When on_tick next has something to do.
  steady_time next_deadline() const noexcept;
  // Timers: bind timeout, enquire_link probe, silence timeout, response timeouts.
  session_events on_tick(steady_time now, std::vector<std::uint8_t>& wire);

 private:
  // A submit_sm_resp without a message_id, counted through the gate.
  void refuse_submit(smpp::command_status status, std::uint32_t sequence_number,
                     std::vector<std::uint8_t>& wire);
  struct in_flight {
    std::uint32_t sequence_number;
    smpp::command_id id;
    steady_time deadline;
  };

  std::uint32_t next_sequence() noexcept;
  void handle_submit(smpp::pdu&& p, steady_time now, wall_time wall, session_events& events,
                     std::vector<std::uint8_t>& wire);
  void handle_response(const smpp::pdu& p, steady_time now, session_events& events);
  void close(session_events& events, std::string reason);
  void note_protocol_error(session_events& events, std::string_view kind, steady_time now);

  session_settings settings_;
  submit_gate& gate_;
  session_state state_ = session_state::open;
  std::string system_id_;
  smpp::submit_policy policy_;
  std::vector<std::string> allowed_classes_;
  std::string webhook_url_;
  steady_time opened_at_;
  steady_time last_activity_;
  steady_time unbind_deadline_{};
  std::optional<std::uint32_t> enquire_link_in_flight_;
  std::vector<in_flight> in_flight_;  // at most window + 1 (an enquire_link probe)
  std::uint32_t sequence_ = 0;
  std::uint64_t protocol_errors_ = 0;
  std::uint32_t errors_in_period_ = 0;
  steady_time error_period_start_{};
};

}  // namespace smppd::server
