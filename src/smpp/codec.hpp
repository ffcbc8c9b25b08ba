#pragma once
// Decode and encode whole PDUs. Syntax only: a frame becomes a typed `pdu` or the
// command_status to answer with; policy (TON, data_coding, accounts) belongs to validation.
// Untrusted bytes never throw and are never read past the frame.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "smpp/command_id.hpp"
#include "smpp/command_status.hpp"
#include "smpp/framer.hpp"
#include "smpp/pdu.hpp"

namespace smppd::smpp {

// Why a frame did not decode, and how to answer.
struct decode_error {
  smpp::command_status status = smpp::command_status::esme_rsyserr;
  smpp::command_id command_id = smpp::command_id::generic_nack;
  std::uint32_t sequence_number = 0;
  // True when the stream itself is broken (command_length disagrees with the frame): answer,
  // then close. False when the PDU was framed correctly and only its content is bad.
  bool close = false;
  // Which field or part failed ("destination_addr", "tlvs", "command_length"), for logs.
  const char* field = "";

  // The PDU to answer with: the request's response with `status` and no body, or
  // generic_nack when the failed PDU was itself a response or not a 3.4 request.
  smpp::command_id response_id() const noexcept { return smpp::response_id(command_id); }

  friend bool operator==(const decode_error& a, const decode_error& b) noexcept {
    return a.status == b.status && a.command_id == b.command_id &&
           a.sequence_number == b.sequence_number && a.close == b.close;
  }
};

class decode_result {
 public:
  // A default pdu (generic_nack, sequence 0), for decoding in place.
  decode_result() = default;
  decode_result(pdu value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  decode_result(decode_error error) : state_(std::in_place_index<1>, error) {}    // NOLINT

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  pdu& value() & noexcept { return *std::get_if<0>(&state_); }
  const pdu& value() const& noexcept { return *std::get_if<0>(&state_); }
  pdu&& value() && noexcept { return std::move(*std::get_if<0>(&state_)); }
  pdu& operator*() & noexcept { return value(); }
  const pdu& operator*() const& noexcept { return value(); }
  pdu* operator->() noexcept { return &value(); }
  const pdu* operator->() const noexcept { return &value(); }
  const decode_error& error() const noexcept { return *std::get_if<1>(&state_); }

 private:
  std::variant<pdu, decode_error> state_;
};

// Decodes one whole frame (as delimited by next_frame). An id outside 3.4 gives a pdu whose
// body is `unknown_pdu` (pdu::is_unknown()), not an error. Failures:
// - command_length != frame size, or frame < 16 bytes: ESME_RINVCMDLEN, close = true.
// - a C-octet string without its NUL within its maximum size (or the frame): the spec's
//   status for the field: source_addr RINVSRCADR, destination_addr RINVDSTADR, system_id
//   RINVSYSID, password RINVPASWD, system_type RINVSYSTYP, service_type RINVSERTYP,
//   message_id RINVMSGID, dl_name RINVDLNAME; schedule_delivery_time RINVSCHED and
//   validity_period RINVEXPIRY, also when not 0 or 16 characters. Where 3.4 names none
//   (address_range, esme_addr, final_date, no_unsuccess > 254): ESME_RINVPARLEN.
// - sm_length missing, > 254 or past the PDU: ESME_RINVMSGLEN.
// - number_of_dests > 254: ESME_RINVNUMDESTS; dest_flag not 1 or 2: ESME_RINVDESTFLAG.
// - a fixed-size integer missing (body too short for the command), or bytes left after the
//   last field of a PDU without TLVs (enquire_link, unbind, generic_nack with a body):
//   ESME_RINVCMDLEN, close = false (the frame itself was sound).
// - TLV header truncated or its length past the PDU: ESME_RINVOPTPARSTREAM; a known tag of
//   the wrong length: ESME_RINVPARLEN ("invalid parameter length" fits better than
//   RINVOPTPARAMVAL, which validation uses for a bad value such as an unknown message_class).
// - Accepted leniently: a response with an empty body when its status is non-zero (3.4 omits
//   the body then) and deliver_sm_resp with an empty body (its message_id is unused).
decode_result decode(std::span<const std::uint8_t> frame);

// Appends the encoding of `p` to `out`; command_length and every length field are derived.
void encode(const pdu& p, std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode(const pdu& p);
// The number of bytes encode() appends: the command_length.
std::size_t encoded_size(const pdu& p) noexcept;

// A PDU that is only a header: error responses ("the body is not returned if the
// command_status is non-zero", 4.4.2), generic_nack, and answers to decode errors.
void encode_header_only(command_id id, command_status status, std::uint32_t sequence_number,
                        std::vector<std::uint8_t>& out);
// The header-only answer to a decode error (response_id(), status, sequence_number).
void encode_error_response(const decode_error& error, std::vector<std::uint8_t>& out);

// One line for logs: command, status name, sequence and every field by name; C-octet
// strings quoted, short_message and TLV values in hex.
std::string to_string(const pdu& p);

}  // namespace smppd::smpp
