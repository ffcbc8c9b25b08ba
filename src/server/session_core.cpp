#include "server/session_core.hpp"

#include <algorithm>

namespace smppd::server {
namespace {

using smpp::command_id;
using smpp::command_status;

constexpr std::uint32_t max_sequence = 0x7FFFFFFF;  // SMPP 3.4 section 5.1.4
constexpr std::uint8_t sc_interface_version = 0x34;

void send_header_only(command_id id, command_status status, std::uint32_t sequence_number,
                      std::vector<std::uint8_t>& wire) {
  smpp::encode_header_only(id, status, sequence_number, wire);
}

template <class Resp>
void send_bind_resp(std::uint32_t sequence_number, command_status status,
                    const std::string& server_system_id, std::vector<std::uint8_t>& wire) {
  if (status != command_status::esme_rok) {
    send_header_only(Resp::id, status, sequence_number, wire);
    return;
  }
  Resp resp;
  resp.system_id.assign(server_system_id);
  resp.tlvs.set_u8(smpp::tlv_tag::sc_interface_version, sc_interface_version);
  smpp::encode(smpp::make_pdu(resp, sequence_number), wire);
}

void send_bind_resp(bind_kind kind, std::uint32_t sequence_number, command_status status,
                    const std::string& server_system_id, std::vector<std::uint8_t>& wire) {
  switch (kind) {
    case bind_kind::transmitter:
      return send_bind_resp<smpp::bind_transmitter_resp>(sequence_number, status, server_system_id,
                                                         wire);
    case bind_kind::receiver:
      return send_bind_resp<smpp::bind_receiver_resp>(sequence_number, status, server_system_id,
                                                      wire);
    case bind_kind::transceiver:
      return send_bind_resp<smpp::bind_transceiver_resp>(sequence_number, status, server_system_id,
                                                         wire);
  }
}

template <class Bind>
bind_request make_bind_request(bind_kind kind, std::uint32_t sequence_number, const Bind& bind) {
  return bind_request{kind, sequence_number, std::string(bind.system_id.view()),
                      std::string(bind.password.view()), bind.interface_version};
}

std::optional<bind_request> as_bind_request(const smpp::pdu& p) {
  if (const auto* b = p.get_if<smpp::bind_transmitter>()) {
    return make_bind_request(bind_kind::transmitter, p.sequence_number, *b);
  }
  if (const auto* b = p.get_if<smpp::bind_receiver>()) {
    return make_bind_request(bind_kind::receiver, p.sequence_number, *b);
  }
  if (const auto* b = p.get_if<smpp::bind_transceiver>()) {
    return make_bind_request(bind_kind::transceiver, p.sequence_number, *b);
  }
  return std::nullopt;
}

bool is_bind(command_id id) {
  return id == command_id::bind_transmitter || id == command_id::bind_receiver ||
         id == command_id::bind_transceiver;
}

// The requests this gateway serves (contract: "Commands"); any other command_id, known to
// SMPP 3.4 or not, is answered with generic_nack ESME_RINVCMDID.
bool is_served_request(command_id id) {
  return is_bind(id) || id == command_id::submit_sm || id == command_id::unbind ||
         id == command_id::enquire_link;
}

// The responses of the contract's command set: generic_nack, deliver_sm_resp, and the
// responses of the served requests. Those of what the server sends (deliver_sm,
// enquire_link, unbind) are matched with their requests; the others (a client answering a
// bind or a submit_sm) are answers to nothing. Any other id with bit 31 set
// (query_sm_resp, 0x80000099, 0xFFFFFFFF) is an unknown command: generic_nack.
bool is_served_response(command_id id) {
  if (id == command_id::generic_nack || id == command_id::deliver_sm_resp) return true;
  const auto raw = static_cast<std::uint32_t>(id);
  return smpp::is_response(id) && is_served_request(command_id{raw & 0x7FFFFFFFu});
}

}  // namespace

const char* name(session_state s) noexcept {
  switch (s) {
    case session_state::open:
      return "open";
    case session_state::binding:
      return "binding";
    case session_state::bound_tx:
      return "bound_tx";
    case session_state::bound_rx:
      return "bound_rx";
    case session_state::bound_trx:
      return "bound_trx";
    case session_state::unbinding:
      return "unbinding";
    case session_state::closed:
      return "closed";
  }
  return "?";
}

const char* name(bind_kind k) noexcept {
  switch (k) {
    case bind_kind::transmitter:
      return "transmitter";
    case bind_kind::receiver:
      return "receiver";
    case bind_kind::transceiver:
      return "transceiver";
  }
  return "?";
}

session_core::session_core(session_settings settings, submit_gate& gate, steady_time now)
    : settings_(std::move(settings)), gate_(gate), opened_at_(now), last_activity_(now) {}

bool session_core::bound() const noexcept {
  return state_ == session_state::bound_tx || state_ == session_state::bound_rx ||
         state_ == session_state::bound_trx;
}

std::uint32_t session_core::next_sequence() noexcept {
  sequence_ = sequence_ >= max_sequence ? 1 : sequence_ + 1;
  return sequence_;
}

void session_core::close(session_events& events, std::string reason) {
  state_ = session_state::closed;
  events.close = true;
  if (events.reason.empty()) events.reason = std::move(reason);
}

session_events session_core::on_pdu(smpp::pdu&& p, steady_time now, wall_time wall,
                                    std::vector<std::uint8_t>& wire) {
  session_events events;
  last_activity_ = now;
  if (state_ == session_state::closed) return events;
  const command_id id = p.command_id();

  if (is_served_response(id)) {
    handle_response(p, now, events);
    return events;
  }
  if (!is_served_request(id)) {
    send_header_only(command_id::generic_nack, command_status::esme_rinvcmdid, p.sequence_number,
                     wire);
    events.reason = "unsupported command " + std::string(smpp::name(id));
    note_protocol_error(events, "unsupported command", now);
    return events;
  }

  switch (id) {
    case command_id::enquire_link:
      send_header_only(command_id::enquire_link_resp, command_status::esme_rok, p.sequence_number,
                       wire);
      return events;
    case command_id::unbind:
      if (!bound() && state_ != session_state::unbinding) {
        send_header_only(command_id::unbind_resp, command_status::esme_rinvbndsts,
                         p.sequence_number, wire);
        events.reason = "unbind before bind";
        events.kind = "unbind before bind";
        return events;
      }
      send_header_only(command_id::unbind_resp, command_status::esme_rok, p.sequence_number, wire);
      close(events, "unbind from client");
      return events;
    case command_id::submit_sm:
      handle_submit(std::move(p), now, wall, events, wire);
      return events;
    default:
      break;
  }

  // A bind.
  if (state_ != session_state::open) {
    send_header_only(smpp::response_id(id), command_status::esme_ralybnd, p.sequence_number, wire);
    events.reason = "bind on a bound session";
    events.kind = "bind on a bound session";
    return events;
  }
  state_ = session_state::binding;
  events.bind = as_bind_request(p);
  return events;
}

void session_core::handle_submit(smpp::pdu&& p, steady_time now, wall_time wall,
                                 session_events& events, std::vector<std::uint8_t>& wire) {
  if (state_ != session_state::bound_tx && state_ != session_state::bound_trx) {
    refuse_submit(command_status::esme_rinvbndsts, p.sequence_number, wire);
    events.reason = "submit_sm without a transmitter bind";
    events.kind = "submit_sm without a transmitter bind";
    return;
  }
  auto verdict = smpp::validate_submit_sm(*p.get_if<smpp::submit_sm>(), policy_, wall);
  if (const auto* status = std::get_if<command_status>(&verdict)) {
    refuse_submit(*status, p.sequence_number, wire);
    events.reason = std::string("submit_sm rejected: ") + std::string(smpp::name(*status));
    events.kind = "submit_sm rejected";
    return;
  }
  if (!gate_.try_submit(system_id_, now)) {
    refuse_submit(command_status::esme_rthrottled, p.sequence_number, wire);
    events.reason = "submit_sm over the account's throughput limit";
    events.kind = "submit_sm throttled";
    return;
  }
  events.submit_sequence = p.sequence_number;
  auto& message = events.submit;
  static_cast<smpp::submit_request&>(message) = std::move(std::get<smpp::submit_request>(verdict));
  message.id = gate_.next_message_id(wall);
  message.system_id = system_id_;
  message.submitted_at = wall;
  message.callback_url = webhook_url_;  // an account with a webhook hears of SMPP messages too
}

void session_core::handle_response(const smpp::pdu& p, steady_time now, session_events& events) {
  const auto match = std::find_if(in_flight_.begin(), in_flight_.end(), [&](const in_flight& f) {
    return f.sequence_number == p.sequence_number && (p.command_id() == smpp::response_id(f.id) ||
                                                      p.command_id() == command_id::generic_nack);
  });
  if (match == in_flight_.end()) {
    events.reason = "unexpected response";
    note_protocol_error(events, "unexpected response", now);
    return;
  }
  const in_flight done = *match;
  in_flight_.erase(match);
  switch (done.id) {
    case command_id::deliver_sm:
      events.acks.push_back({done.sequence_number, p.command_status});
      break;
    case command_id::enquire_link:
      enquire_link_in_flight_.reset();
      break;
    case command_id::unbind:
      close(events, "unbind acknowledged");
      break;
    default:
      break;
  }
}

session_events session_core::on_decode_error(const smpp::decode_error& error, steady_time now,
                                             std::vector<std::uint8_t>& wire) {
  session_events events;
  last_activity_ = now;
  if (state_ == session_state::closed) return events;
  events.reason = std::string("undecodable PDU: ") + error.field;
  if (!smpp::is_response(error.command_id) && !is_served_request(error.command_id)) {
    send_header_only(command_id::generic_nack, command_status::esme_rinvcmdid,
                     error.sequence_number, wire);
  } else if (error.command_id == command_id::submit_sm && state_ != session_state::bound_tx &&
             state_ != session_state::bound_trx) {
    refuse_submit(command_status::esme_rinvbndsts, error.sequence_number, wire);
  } else if (smpp::is_response(error.command_id)) {
    // A malformed answer to our deliver_sm: nack it, and the receipt goes back for a retry.
    send_header_only(command_id::generic_nack, error.status, error.sequence_number, wire);
    smpp::pdu as_nack = smpp::make_pdu(smpp::generic_nack{}, error.sequence_number, error.status);
    handle_response(as_nack, now, events);
  } else {
    smpp::encode_error_response(error, wire);
    if (is_bind(error.command_id) && state_ == session_state::open) {
      close(events, "bind rejected: " + events.reason);  // a failed bind ends the session
    }
  }
  if (error.close) close(events, events.reason);
  if (events.kind.empty()) note_protocol_error(events, "undecodable PDU", now);
  return events;
}

void session_core::note_protocol_error(session_events& events, std::string_view kind,
                                       steady_time now) {
  events.kind = kind;
  events.protocol_error = true;
  ++protocol_errors_;
  if (settings_.max_protocol_errors == 0 || events.close) return;
  if (errors_in_period_ == 0 || now >= error_period_start_ + settings_.protocol_error_period) {
    error_period_start_ = now;
    errors_in_period_ = 0;
  }
  if (++errors_in_period_ > settings_.max_protocol_errors) {
    close(events, {});
    events.reason = "more than " + std::to_string(settings_.max_protocol_errors) +
                    " protocol errors within " +
                    std::to_string(settings_.protocol_error_period.count()) +
                    " s (last: " + events.reason + ")";
  }
}

session_events session_core::on_frame_error(const smpp::frame_result& frame,
                                            std::vector<std::uint8_t>& wire) {
  session_events events;
  send_header_only(command_id::generic_nack, frame.status, frame.header.sequence_number, wire);
  close(events, "command_length " + std::to_string(frame.header.command_length) + " out of bounds");
  return events;
}

session_events session_core::on_bind_result(const bind_request& request,
                                            const bind_outcome& outcome, steady_time now,
                                            std::vector<std::uint8_t>& wire) {
  session_events events;
  if (state_ != session_state::binding) return events;  // closed meanwhile
  send_bind_resp(request.kind, request.sequence_number, outcome.status, settings_.server_system_id,
                 wire);
  if (outcome.status != command_status::esme_rok) {
    close(events, std::string("bind refused: ") + smpp::name(outcome.status).data());
    return events;
  }
  system_id_ = request.system_id;
  allowed_classes_ = outcome.allowed_classes;
  webhook_url_ = outcome.webhook_url;
  policy_ = outcome.policy;
  policy_.allowed_classes = allowed_classes_;
  last_activity_ = now;
  switch (request.kind) {
    case bind_kind::transmitter:
      state_ = session_state::bound_tx;
      break;
    case bind_kind::receiver:
      state_ = session_state::bound_rx;
      break;
    case bind_kind::transceiver:
      state_ = session_state::bound_trx;
      break;
  }
  return events;
}

void session_core::refuse_submit(command_status status, std::uint32_t sequence_number,
                                 std::vector<std::uint8_t>& wire) {
  gate_.submit_answered(status);
  send_header_only(command_id::submit_sm_resp, status, sequence_number, wire);
}

void session_core::on_submit_result(std::uint32_t sequence_number, command_status status,
                                    std::string_view message_id, std::vector<std::uint8_t>& wire) {
  if (state_ == session_state::closed) return;
  if (status != command_status::esme_rok) {
    refuse_submit(status, sequence_number, wire);
    return;
  }
  gate_.submit_answered(status);
  smpp::submit_sm_resp resp;
  resp.message_id.assign(message_id);
  smpp::encode(smpp::make_pdu(std::move(resp), sequence_number), wire);
}

std::uint32_t session_core::free_window() const noexcept {
  const auto deliveries = static_cast<std::uint32_t>(
      std::count_if(in_flight_.begin(), in_flight_.end(),
                    [](const in_flight& f) { return f.id == command_id::deliver_sm; }));
  return deliveries >= settings_.window ? 0 : settings_.window - deliveries;
}

std::uint32_t session_core::send_deliver_sm(const smpp::deliver_sm& body, steady_time now,
                                            std::vector<std::uint8_t>& wire) {
  const std::uint32_t sequence_number = next_sequence();
  smpp::encode(smpp::make_pdu(body, sequence_number), wire);
  in_flight_.push_back({sequence_number, command_id::deliver_sm, now + settings_.response_timeout});
  return sequence_number;
}

session_events session_core::start_unbind(steady_time now, std::vector<std::uint8_t>& wire) {
  session_events events;
  if (!bound()) {
    if (state_ != session_state::closed && state_ != session_state::unbinding)
      close(events, "shutdown");
    return events;
  }
  const std::uint32_t sequence_number = next_sequence();
  send_header_only(command_id::unbind, command_status::esme_rok, sequence_number, wire);
  in_flight_.push_back({sequence_number, command_id::unbind, now + settings_.unbind_timeout});
  unbind_deadline_ = now + settings_.unbind_timeout;
  state_ = session_state::unbinding;
  return events;
}

steady_time session_core::next_deadline() const noexcept {
  if (state_ == session_state::closed) return steady_time::max();
  if (state_ == session_state::unbinding) return unbind_deadline_;
  if (state_ == session_state::open || state_ == session_state::binding) {
    return opened_at_ + settings_.bind_timeout;
  }
  steady_time deadline = last_activity_ + settings_.enquire_link_timeout;
  if (!enquire_link_in_flight_) {
    deadline = std::min(deadline, last_activity_ + settings_.enquire_link_interval);
  }
  for (const auto& f : in_flight_) deadline = std::min(deadline, f.deadline);
  return deadline;
}

session_events session_core::on_tick(steady_time now, std::vector<std::uint8_t>& wire) {
  session_events events;
  switch (state_) {
    case session_state::closed:
      return events;
    case session_state::open:
    case session_state::binding:
      if (now >= opened_at_ + settings_.bind_timeout) close(events, "bind timeout");
      return events;
    case session_state::unbinding:
      if (now >= unbind_deadline_) close(events, "no unbind_resp");
      return events;
    default:
      break;
  }
  if (now >= last_activity_ + settings_.enquire_link_timeout) {
    close(events, "silent for enquire_link_timeout");
    return events;
  }
  // Deliveries without an answer in time go back for a retry; the session stays.
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->id == command_id::deliver_sm && now >= it->deadline) {
      events.acks.push_back({it->sequence_number, command_status::esme_rsyserr, true});
      it = in_flight_.erase(it);
    } else if (it->id == command_id::enquire_link && now >= it->deadline) {
      enquire_link_in_flight_.reset();  // allow the next probe; silence still closes
      it = in_flight_.erase(it);
    } else {
      ++it;
    }
  }
  if (!enquire_link_in_flight_ && now >= last_activity_ + settings_.enquire_link_interval) {
    const std::uint32_t sequence_number = next_sequence();
    send_header_only(command_id::enquire_link, command_status::esme_rok, sequence_number, wire);
    enquire_link_in_flight_ = sequence_number;
    in_flight_.push_back(
        {sequence_number, command_id::enquire_link, now + settings_.enquire_link_interval});
  }
  return events;
}

}  // namespace smppd::server
