// Encoding: a sizer and a writer visitor walk the same field lists as the reader, so the
// command_length, sm_length and list counts are always derived from the content.

#include <cstring>
#include <type_traits>

#include "smpp/codec.hpp"
#include "smpp/detail/wire.hpp"

namespace smppd::smpp {
namespace {

struct sizer {
  std::size_t size = 0;

  void operator()(const char*, std::uint8_t) noexcept { size += 1; }
  void operator()(const char*, command_status) noexcept { size += 4; }
  template <std::size_t N>
  void operator()(const char*, const c_octet_string<N>& value) noexcept {
    size += value.size() + 1;
  }
  void operator()(const char*, const time_string& value) noexcept { size += value.size() + 1; }
  template <std::size_t N>
  void operator()(const char*, const octet_string<N>& value) noexcept {
    size += 1 + value.size();
  }
  template <class T, std::size_t Max>
  void operator()(const char*, const bounded_list<T, Max>& list) noexcept {
    size += 1;
    for (const T& item : list) element(item);
  }
  void operator()(const char*, const tlv_list& tlvs) noexcept { size += tlvs.wire_size(); }

  template <class T>
  void element(const T& item) noexcept {
    T::visit(item, *this);
  }
  void element(const dest_address& item) noexcept {
    size += 1;  // dest_flag
    std::visit([this](const auto& entry) { element(entry); }, item);
  }
};

struct writer {
  std::uint8_t* at;

  void operator()(const char*, std::uint8_t value) noexcept { *at++ = value; }
  void operator()(const char*, command_status value) noexcept {
    detail::store_u32(at, static_cast<std::uint32_t>(value));
    at += 4;
  }
  void bytes(const void* data, std::size_t size) noexcept {
    if (size != 0) std::memcpy(at, data, size);
    at += size;
  }
  template <std::size_t N>
  void operator()(const char*, const c_octet_string<N>& value) noexcept {
    bytes(value.data(), value.size());
    *at++ = 0;
  }
  void operator()(const char*, const time_string& value) noexcept {
    bytes(value.view().data(), value.size());
    *at++ = 0;
  }
  template <std::size_t N>
  void operator()(const char*, const octet_string<N>& value) noexcept {
    *at++ = static_cast<std::uint8_t>(value.size());
    bytes(value.data(), value.size());
  }
  template <class T, std::size_t Max>
  void operator()(const char*, const bounded_list<T, Max>& list) noexcept {
    *at++ = static_cast<std::uint8_t>(list.size());
    for (const T& item : list) element(item);
  }
  void operator()(const char*, const tlv_list& tlvs) noexcept {
    bytes(tlvs.wire_bytes().data(), tlvs.wire_size());
  }

  template <class T>
  void element(const T& item) noexcept {
    T::visit(item, *this);
  }
  void element(const dest_address& item) noexcept {
    *at++ = static_cast<std::uint8_t>(item.index() + 1);  // dest_flag 1 = SME, 2 = list
    std::visit([this](const auto& entry) { element(entry); }, item);
  }
};

template <class Body>
constexpr bool is_unknown_v = std::is_same_v<Body, unknown_pdu>;

// An error response whose body was left at its default goes out as a bare header, as 3.4
// asks ("the body is not returned if the command_status field contains a non-zero value").
template <class Body>
bool omit_body(const pdu& p, const Body& body) {
  if constexpr (is_unknown_v<Body>) {
    return false;
  } else {
    return is_response(Body::id) && p.command_status != command_status::esme_rok && body == Body{};
  }
}

template <class Body>
std::size_t body_size(const pdu& p, const Body& body) {
  if constexpr (is_unknown_v<Body>) {
    return body.body.size();
  } else {
    if (omit_body(p, body)) return 0;
    sizer s;
    Body::visit(body, s);
    return s.size;
  }
}

void write_header(std::uint8_t* at, std::size_t length, command_id id, command_status status,
                  std::uint32_t sequence_number) noexcept {
  detail::store_u32(at, static_cast<std::uint32_t>(length));
  detail::store_u32(at + 4, static_cast<std::uint32_t>(id));
  detail::store_u32(at + 8, static_cast<std::uint32_t>(status));
  detail::store_u32(at + 12, sequence_number);
}

}  // namespace

std::size_t encoded_size(const pdu& p) noexcept {
  return header_size + std::visit([&p](const auto& body) { return body_size(p, body); }, p.body);
}

void encode(const pdu& p, std::vector<std::uint8_t>& out) {
  std::visit(
      [&](const auto& body) {
        using body_type = std::decay_t<decltype(body)>;
        const std::size_t length = header_size + body_size(p, body);
        const std::size_t start = out.size();
        out.resize(start + length);
        std::uint8_t* at = out.data() + start;
        write_header(at, length, p.command_id(), p.command_status, p.sequence_number);
        writer w{at + header_size};
        if constexpr (is_unknown_v<body_type>) {
          w.bytes(body.body.data(), body.body.size());
        } else if (length > header_size) {
          body_type::visit(body, w);
        }
      },
      p.body);
}

std::vector<std::uint8_t> encode(const pdu& p) {
  std::vector<std::uint8_t> out;
  out.reserve(encoded_size(p));
  encode(p, out);
  return out;
}

void encode_header_only(command_id id, command_status status, std::uint32_t sequence_number,
                        std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  out.resize(start + header_size);
  write_header(out.data() + start, header_size, id, status, sequence_number);
}

void encode_error_response(const decode_error& error, std::vector<std::uint8_t>& out) {
  encode_header_only(error.response_id(), error.status, error.sequence_number, out);
}

}  // namespace smppd::smpp
