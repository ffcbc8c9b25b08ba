#pragma once
// A whole PDU: header values plus one typed body. command_id is derived from the body's
// type (or kept by `unknown_pdu`), and command_length from the encoding: neither can
// disagree with the content.

#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "smpp/command_id.hpp"
#include "smpp/command_status.hpp"
#include "smpp/message_pdus.hpp"
#include "smpp/session_pdus.hpp"

namespace smppd::smpp {

// A command_id outside SMPP 3.4, kept with its raw body; the session answers it with
// generic_nack ESME_RINVCMDID.
struct unknown_pdu {
  smpp::command_id id = smpp::command_id{0};
  std::vector<std::uint8_t> body;
  friend bool operator==(const unknown_pdu&, const unknown_pdu&) = default;
};

using pdu_body =
    std::variant<generic_nack, bind_receiver, bind_receiver_resp, bind_transmitter,
                 bind_transmitter_resp, bind_transceiver, bind_transceiver_resp, outbind, unbind,
                 unbind_resp, enquire_link, enquire_link_resp, submit_sm, submit_sm_resp,
                 submit_multi, submit_multi_resp, deliver_sm, deliver_sm_resp, data_sm,
                 data_sm_resp, query_sm, query_sm_resp, cancel_sm, cancel_sm_resp, replace_sm,
                 replace_sm_resp, alert_notification, unknown_pdu>;

struct pdu {
  smpp::command_status command_status = smpp::command_status::esme_rok;
  std::uint32_t sequence_number = 0;
  pdu_body body;

  smpp::command_id command_id() const noexcept {
    return std::visit(
        [](const auto& b) noexcept -> smpp::command_id {
          if constexpr (std::is_same_v<std::decay_t<decltype(b)>, unknown_pdu>) {
            return b.id;
          } else {
            return std::decay_t<decltype(b)>::id;
          }
        },
        body);
  }
  bool is_unknown() const noexcept { return std::holds_alternative<unknown_pdu>(body); }

  template <class Body>
  Body* get_if() noexcept {
    return std::get_if<Body>(&body);
  }
  template <class Body>
  const Body* get_if() const noexcept {
    return std::get_if<Body>(&body);
  }

  friend bool operator==(const pdu&, const pdu&) = default;
};

// make_pdu(submit_sm{...}, 7) reads better at call sites than aggregate init of pdu.
template <class Body>
pdu make_pdu(Body body, std::uint32_t sequence_number,
             command_status status = command_status::esme_rok) {
  return pdu{status, sequence_number, pdu_body(std::in_place_type<Body>, std::move(body))};
}

}  // namespace smppd::smpp
