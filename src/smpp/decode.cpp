// Decoding: one reader visitor walks each body's field list. Every read is bounded by the
// frame; lists and TLVs are checked against the frame before anything is kept.

#include <algorithm>
#include <cstring>

#include "smpp/codec.hpp"
#include "smpp/detail/wire.hpp"

namespace smppd::smpp {
namespace {

class reader {
 public:
  reader(const std::uint8_t* at, const std::uint8_t* end) noexcept : at_(at), end_(end) {}

  bool ok() const noexcept { return status_ == command_status::esme_rok; }
  command_status status() const noexcept { return status_; }
  const char* field() const noexcept { return field_; }
  bool at_end() const noexcept { return at_ == end_; }

  void fail(command_status status, const char* field) noexcept {
    if (ok()) {
      status_ = status;
      field_ = field;
    }
  }

  // A missing fixed-size integer means the body is shorter than its command: the
  // command_length is wrong for it.
  void operator()(const char* field, std::uint8_t& value) noexcept {
    if (!ok()) return;
    if (at_ == end_) return fail(command_status::esme_rinvcmdlen, field);
    value = *at_++;
  }

  void operator()(const char* field, command_status& value) noexcept {
    if (!ok()) return;
    if (end_ - at_ < 4) return fail(command_status::esme_rinvcmdlen, field);
    value = static_cast<command_status>(detail::load_u32(at_));
    at_ += 4;
  }

  // Strings and lists over their limit fail with the status their field list names.
  template <std::size_t N>
  void operator()(field_name field, c_octet_string<N>& value) noexcept {
    if (!ok()) return;
    const std::size_t length = c_string_length(N);
    if (length == npos) return fail(field.too_long, field);
    (void)value.assign({reinterpret_cast<const char*>(at_), length});  // fits: NUL within N
    at_ += length + 1;
  }

  void operator()(field_name field, time_string& value) noexcept {
    if (!ok()) return;
    const std::size_t length = c_string_length(time_string::max_size);
    if (length == npos || !value.assign({reinterpret_cast<const char*>(at_), length})) {
      return fail(field.too_long, field);
    }
    at_ += length + 1;
  }

  // sm_length then short_message: a length past the PDU or above N is ESME_RINVMSGLEN.
  template <std::size_t N>
  void operator()(const char* field, octet_string<N>& value) noexcept {
    if (!ok()) return;
    if (at_ == end_) return fail(command_status::esme_rinvmsglen, field);
    const std::size_t length = *at_;
    if (length > N || static_cast<std::size_t>(end_ - at_ - 1) < length) {
      return fail(command_status::esme_rinvmsglen, field);
    }
    (void)value.assign(std::span<const std::uint8_t>(at_ + 1, length));
    at_ += 1 + length;
  }

  // A one-octet count, then that many entries; each is read before it is kept, so memory
  // grows only with bytes actually present in the frame.
  template <class T, std::size_t Max>
  void operator()(field_name field, bounded_list<T, Max>& list) {
    if (!ok()) return;
    if (at_ == end_) return fail(command_status::esme_rinvcmdlen, field);
    const std::size_t count = *at_++;
    if (count > Max) return fail(field.too_long, field);
    for (std::size_t i = 0; i < count && ok(); ++i) {
      T item{};
      read_element(item);
      if (ok()) (void)list.push_back(std::move(item));
    }
  }

  // TLVs run to the end of the PDU.
  void operator()(const char* field, tlv_list& tlvs) {
    if (!ok()) return;
    const command_status status = tlvs.parse({at_, end_});
    if (status != command_status::esme_rok) return fail(status, field);
    at_ = end_;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Characters before the NUL, which must come within `max_size` octets and the frame.
  std::size_t c_string_length(std::size_t max_size) const noexcept {
    // A plain loop: these strings are short, and a libc memchr call costs more than the scan.
    const std::size_t window = std::min(max_size, static_cast<std::size_t>(end_ - at_));
    for (std::size_t i = 0; i < window; ++i) {
      if (at_[i] == 0) return i;
    }
    return npos;
  }

  template <class T>
  void read_element(T& item) {
    T::visit(item, *this);
  }

  // dest_flag selects the entry's layout (4.5.1.1).
  void read_element(dest_address& item) {
    std::uint8_t dest_flag = 0;
    (*this)("dest_flag", dest_flag);
    if (!ok()) return;
    if (dest_flag == 1) {
      sme_dest_address& sme = item.emplace<sme_dest_address>();
      sme_dest_address::visit(sme, *this);
    } else if (dest_flag == 2) {
      distribution_list& list = item.emplace<distribution_list>();
      distribution_list::visit(list, *this);
    } else {
      fail(command_status::esme_rinvdestflag, "dest_flag");
    }
  }

  const std::uint8_t* at_;
  const std::uint8_t* const end_;
  command_status status_ = command_status::esme_rok;
  const char* field_ = "";
};

decode_error error_for(const pdu_header& header, command_status status, const char* field,
                       bool close) noexcept {
  return {status, header.command_id, header.sequence_number, close, field};
}

// A response without body is accepted when its status is an error (3.4: "the body is not
// returned if the command_status field contains a non-zero value") and for deliver_sm_resp,
// whose message_id is unused and which several ESMEs send with no octet at all.
bool empty_body_allowed(const pdu_header& header) noexcept {
  return is_response(header.command_id) && (header.command_status != command_status::esme_rok ||
                                            header.command_id == command_id::deliver_sm_resp);
}

// Decodes into `result`, which holds a default pdu: the body is built in place, so the
// several hundred bytes of a submit_sm are written once and never copied.
template <class Body>
void decode_body(const pdu_header& header, std::span<const std::uint8_t> body_bytes,
                 decode_result& result) {
  pdu& p = result.value();
  p.command_status = header.command_status;
  p.sequence_number = header.sequence_number;
  Body& body = p.body.template emplace<Body>();
  if (body_bytes.empty() && empty_body_allowed(header)) return;
  reader in(body_bytes.data(), body_bytes.data() + body_bytes.size());
  Body::visit(body, in);
  if (!in.ok()) {
    result = error_for(header, in.status(), in.field(), false);
  } else if (!in.at_end()) {
    // Bytes after the last mandatory field of a PDU that takes no TLVs: the command_length
    // does not fit the command.
    result = error_for(header, command_status::esme_rinvcmdlen, "command_length", false);
  }
}

}  // namespace

decode_result decode(std::span<const std::uint8_t> frame) {
  decode_result result;  // the only object returned, so it is built in the caller's slot
  if (frame.size() < header_size) {
    result = decode_error{command_status::esme_rinvcmdlen, command_id::generic_nack, 0, true,
                          "command_length"};
    return result;
  }
  const pdu_header header = read_header(frame.first<header_size>());
  if (header.command_length != frame.size()) {
    result = error_for(header, command_status::esme_rinvcmdlen, "command_length", true);
    return result;
  }
  const std::span<const std::uint8_t> body = frame.subspan(header_size);
  switch (header.command_id) {
    case command_id::generic_nack:
      decode_body<generic_nack>(header, body, result);
      return result;
    case command_id::bind_receiver:
      decode_body<bind_receiver>(header, body, result);
      return result;
    case command_id::bind_receiver_resp:
      decode_body<bind_receiver_resp>(header, body, result);
      return result;
    case command_id::bind_transmitter:
      decode_body<bind_transmitter>(header, body, result);
      return result;
    case command_id::bind_transmitter_resp:
      decode_body<bind_transmitter_resp>(header, body, result);
      return result;
    case command_id::bind_transceiver:
      decode_body<bind_transceiver>(header, body, result);
      return result;
    case command_id::bind_transceiver_resp:
      decode_body<bind_transceiver_resp>(header, body, result);
      return result;
    case command_id::outbind:
      decode_body<outbind>(header, body, result);
      return result;
    case command_id::unbind:
      decode_body<unbind>(header, body, result);
      return result;
    case command_id::unbind_resp:
      decode_body<unbind_resp>(header, body, result);
      return result;
    case command_id::enquire_link:
      decode_body<enquire_link>(header, body, result);
      return result;
    case command_id::enquire_link_resp:
      decode_body<enquire_link_resp>(header, body, result);
      return result;
    case command_id::submit_sm:
      decode_body<submit_sm>(header, body, result);
      return result;
    case command_id::submit_sm_resp:
      decode_body<submit_sm_resp>(header, body, result);
      return result;
    case command_id::submit_multi:
      decode_body<submit_multi>(header, body, result);
      return result;
    case command_id::submit_multi_resp:
      decode_body<submit_multi_resp>(header, body, result);
      return result;
    case command_id::deliver_sm:
      decode_body<deliver_sm>(header, body, result);
      return result;
    case command_id::deliver_sm_resp:
      decode_body<deliver_sm_resp>(header, body, result);
      return result;
    case command_id::data_sm:
      decode_body<data_sm>(header, body, result);
      return result;
    case command_id::data_sm_resp:
      decode_body<data_sm_resp>(header, body, result);
      return result;
    case command_id::query_sm:
      decode_body<query_sm>(header, body, result);
      return result;
    case command_id::query_sm_resp:
      decode_body<query_sm_resp>(header, body, result);
      return result;
    case command_id::cancel_sm:
      decode_body<cancel_sm>(header, body, result);
      return result;
    case command_id::cancel_sm_resp:
      decode_body<cancel_sm_resp>(header, body, result);
      return result;
    case command_id::replace_sm:
      decode_body<replace_sm>(header, body, result);
      return result;
    case command_id::replace_sm_resp:
      decode_body<replace_sm_resp>(header, body, result);
      return result;
    case command_id::alert_notification:
      decode_body<alert_notification>(header, body, result);
      return result;
  }
  // Not a 3.4 command: not an error here. The body is bounded by the frame, which the
  // framer bounded by max_pdu_bytes.
  pdu& p = result.value();
  p.command_status = header.command_status;
  p.sequence_number = header.sequence_number;
  p.body = unknown_pdu{header.command_id, {body.begin(), body.end()}};
  return result;
}

}  // namespace smppd::smpp
