#include "pdu_json.hpp"

#include <cstdio>
#include <type_traits>
#include <variant>

#include "support.hpp"

namespace smppd::interop {
namespace {

template <class T>
struct is_c_octet_string : std::false_type {};
template <std::size_t N>
struct is_c_octet_string<smpp::c_octet_string<N>> : std::true_type {};

template <class T>
struct is_octet_string : std::false_type {};
template <std::size_t N>
struct is_octet_string<smpp::octet_string<N>> : std::true_type {};

template <class T>
struct is_bounded_list : std::false_type {};
template <class T, std::size_t N>
struct is_bounded_list<smpp::bounded_list<T, N>> : std::true_type {};

json tlvs_json(const smpp::tlv_list& tlvs) {
  json out = json::object();
  for (smpp::tlv_view t : tlvs) {
    const auto tag = static_cast<std::uint16_t>(t.tag);
    out[tlv_key(tag)] = tlv_value_json(tag, t.value.data(), t.value.size());
  }
  return out;
}

json fields_json(const auto& body);

template <class T>
json field_json(const T& field) {
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    return field;
  } else if constexpr (std::is_same_v<T, smpp::command_status>) {
    return static_cast<std::uint32_t>(field);
  } else if constexpr (is_c_octet_string<T>::value || std::is_same_v<T, smpp::time_string>) {
    return std::string(field.view());
  } else if constexpr (is_octet_string<T>::value) {
    return json{{"hex", to_hex(field.bytes())}};
  } else if constexpr (std::is_same_v<T, smpp::tlv_list>) {
    return tlvs_json(field);
  } else if constexpr (is_bounded_list<T>::value) {
    json out = json::array();
    for (const auto& item : field) {
      if constexpr (std::is_same_v<std::decay_t<decltype(item)>, smpp::dest_address>) {
        out.push_back(std::visit([](const auto& d) { return fields_json(d); }, item));
      } else {
        out.push_back(fields_json(item));
      }
    }
    return out;
  } else {
    static_assert(sizeof(T) == 0, "a field type the interop wire form does not know");
  }
}

json fields_json(const auto& body) {
  json out = json::object();
  using body_t = std::decay_t<decltype(body)>;
  body_t::visit(body, [&](const char* name, const auto& field) {
    json value = field_json(field);
    // An empty TLV list is no field on the wire: leave it out like the peers do.
    if (std::string_view(name) == "tlvs" && value.empty()) return;
    out[name] = std::move(value);
  });
  return out;
}

std::uint64_t be_integer(const std::uint8_t* value, std::size_t length) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < length; ++i) v = v << 8 | value[i];
  return v;
}

}  // namespace

std::string tlv_key(std::uint16_t tag) {
  // Only SMPP 3.4's own tags by name: a peer knows no vendor tag by smppd's name for it.
  if (tag < 0x1400) {
    const std::string_view n = smpp::name(static_cast<smpp::tlv_tag>(tag));
    if (!n.empty()) return std::string(n);
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", tag);
  return buf;
}

std::uint16_t tlv_tag_of(const std::string& key) {
  if (key.rfind("0x", 0) == 0) return static_cast<std::uint16_t>(std::stoul(key, nullptr, 16));
  for (std::uint32_t tag = 1; tag < 0x1400; ++tag) {
    if (smpp::name(static_cast<smpp::tlv_tag>(tag)) == key) return static_cast<std::uint16_t>(tag);
  }
  return 0;
}

json tlv_value_json(std::uint16_t tag, const std::uint8_t* value, std::size_t length) {
  const smpp::tlv_info* info =
      tag < 0x1400 ? smpp::find_tlv_info(static_cast<smpp::tlv_tag>(tag)) : nullptr;
  const std::span<const std::uint8_t> bytes(value, length);
  if (info != nullptr) {
    switch (info->kind) {
      case smpp::tlv_kind::integer:
        if (length == 1 || length == 2 || length == 4) return be_integer(value, length);
        break;
      case smpp::tlv_kind::c_octet_string:
        if (length > 0 && value[length - 1] == 0) {
          return std::string(reinterpret_cast<const char*>(value), length - 1);
        }
        break;
      case smpp::tlv_kind::empty:
        if (length == 0) return nullptr;
        break;
      case smpp::tlv_kind::octet_string:
        break;
    }
  }
  return json{{"hex", to_hex(bytes)}};
}

bool tlv_value_bytes(std::uint16_t tag, const json& value, std::vector<std::uint8_t>& out) {
  out.clear();
  if (value.is_object() && value.contains("hex")) {
    out = from_hex(value["hex"].get<std::string>());
    return true;
  }
  if (value.is_string()) {
    const auto s = value.get<std::string>();
    out.assign(s.begin(), s.end());
    out.push_back(0);
    return true;
  }
  if (value.is_null()) return true;
  if (value.is_number_unsigned()) {
    // The integer's own size: user_message_reference may also be longer text, but a number
    // is its 2-octet form.
    const smpp::tlv_info* info = smpp::find_tlv_info(static_cast<smpp::tlv_tag>(tag));
    if (info == nullptr || info->kind != smpp::tlv_kind::integer) return false;
    const int size = info->min_length;
    if (size != 1 && size != 2 && size != 4) return false;
    const std::uint64_t v = value.get<std::uint64_t>();
    for (int i = size - 1; i >= 0; --i) {
      out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    return true;
  }
  return false;
}

json to_json(const smpp::pdu& p) {
  json out = json::object();
  const smpp::command_id id = p.command_id();
  out["command"] = std::string(smpp::name(id));
  out["command_id"] = static_cast<std::uint32_t>(id);
  out["command_status"] = static_cast<std::uint32_t>(p.command_status);
  out["sequence_number"] = p.sequence_number;
  std::visit(
      [&](const auto& body) {
        using body_t = std::decay_t<decltype(body)>;
        if constexpr (!std::is_same_v<body_t, smpp::unknown_pdu>) {
          // An error response with nothing in its body is a bare header on the wire (3.4
          // section 4.4.2), which is how smppd encodes it: no body fields to compare.
          if (smpp::is_response(id) && p.command_status != smpp::command_status::esme_rok &&
              body == body_t{}) {
            return;
          }
          const json fields = fields_json(body);
          for (const auto& [k, v] : fields.items()) out[k] = v;
        } else {
          out["body"] = json{{"hex", to_hex(body.body)}};
        }
      },
      p.body);
  return out;
}

std::vector<std::string> differences(const json& expected, const json& actual,
                                     const std::string& path) {
  std::vector<std::string> out;
  const std::string here = path.empty() ? "(root)" : path;
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [k, v] : expected.items()) {
      const std::string sub = path.empty() ? k : path + "." + k;
      if (!actual.contains(k)) {
        out.push_back(sub + ": missing, expected " + v.dump());
        continue;
      }
      auto more = differences(v, actual[k], sub);
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) {
      out.push_back(here + ": " + std::to_string(actual.size()) + " elements, expected " +
                    std::to_string(expected.size()) + ": " + actual.dump() + " vs " +
                    expected.dump());
      return out;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      auto more = differences(expected[i], actual[i], here + "[" + std::to_string(i) + "]");
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  if (expected != actual) {
    out.push_back(here + ": got " + actual.dump() + ", expected " + expected.dump());
  }
  return out;
}

std::vector<std::string> differences_both_ways(const json& a, const json& b) {
  auto out = differences(a, b);
  for (auto& line : differences(b, a)) {
    // Only what the first pass cannot see: keys that `a` lacks.
    if (line.find(": missing,") != std::string::npos) out.push_back("extra " + line);
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

}  // namespace smppd::interop
