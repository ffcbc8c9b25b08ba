// Log lines: a printer visitor walks the same field lists as the codec.

#include <cstdio>
#include <type_traits>

#include "smpp/codec.hpp"

namespace smppd::smpp {
namespace {

void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  for (std::uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0x0F];
  }
}

// Quoted, with anything outside printable ASCII escaped so a log line stays one line.
void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F || c == '"' || c == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

struct printer {
  std::string& out;
  bool first = true;

  void key(const char* field) {
    if (!first) out += ' ';
    first = false;
    out += field;
    out += '=';
  }
  void operator()(const char* field, std::uint8_t value) {
    key(field);
    out += std::to_string(value);
  }
  void operator()(const char* field, command_status value) {
    key(field);
    out += to_string(value);
  }
  template <std::size_t N>
  void operator()(const char* field, const c_octet_string<N>& value) {
    key(field);
    append_quoted(out, value.view());
  }
  void operator()(const char* field, const time_string& value) {
    key(field);
    append_quoted(out, value.view());
  }
  template <std::size_t N>
  void operator()(const char* field, const octet_string<N>& value) {
    key(field);
    append_hex(out, value.bytes());
  }
  template <class T, std::size_t Max>
  void operator()(const char* field, const bounded_list<T, Max>& list) {
    key(field);
    out += '[';
    bool first_item = true;
    for (const T& item : list) {
      if (!first_item) out += ", ";
      first_item = false;
      element(item);
    }
    out += ']';
  }
  void operator()(const char* field, const tlv_list& tlvs) {
    if (tlvs.empty()) return;
    key(field);
    out += '[';
    bool first_item = true;
    for (tlv_view tlv : tlvs) {
      if (!first_item) out += ' ';
      first_item = false;
      out += to_string(tlv.tag);
      out += '=';
      append_hex(out, tlv.value);
    }
    out += ']';
  }

  template <class T>
  void element(const T& item) {
    printer nested{out};
    T::visit(item, nested);
  }
  void element(const dest_address& item) {
    std::visit([this](const auto& entry) { element(entry); }, item);
  }
};

}  // namespace

std::string to_string(const pdu& p) {
  std::string out = to_string(p.command_id());
  out += " status=";
  out += to_string(p.command_status);
  out += " seq=";
  out += std::to_string(p.sequence_number);
  std::visit(
      [&out](const auto& body) {
        using body_type = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<body_type, unknown_pdu>) {
          out += " body=";
          append_hex(out, body.body);
        } else {
          std::string fields;
          printer print{fields};
          body_type::visit(body, print);
          if (!fields.empty()) {
            out += " {";
            out += fields;
            out += '}';
          }
        }
      },
      p.body);
  return out;
}

}  // namespace smppd::smpp
