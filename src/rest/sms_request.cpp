#include "rest/sms_request.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace smppd::rest {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

using json = nlohmann::json;

// No request needs more; a deeper body is refused before the parser sees it.
constexpr int max_nesting = 16;
constexpr std::size_t max_msisdn_digits = 15;
constexpr std::size_t max_alphanumeric_sender = 11;
constexpr std::int64_t max_sendtime = 4102444800;  // 2100-01-01T00:00:00Z

bool nested_too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_nesting) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::optional<std::int64_t> to_integer(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Reads one request object; every problem is a rest_error naming the field.
class object_reader {
 public:
  explicit object_reader(std::string prefix) : prefix_(std::move(prefix)) {}

  std::optional<rest_error> read(const json& object, sms_request& out) {
    if (!object.is_object()) return unsupported("", "expected a JSON object");
    for (const auto& [key, value] : object.items()) {
      if (auto e = field(key, value, out)) return e;
    }
    if (!object.contains("message")) return errors::missing_parameter(name("message"));
    if (!object.contains("recipients")) return errors::missing_parameter(name("recipients"));
    return std::nullopt;
  }

 private:
  std::string name(std::string_view key) const { return prefix_ + std::string(key); }
  rest_error unsupported(std::string_view key, std::string why) const {
    return errors::unsupported_parameter(name(key), std::move(why));
  }

  std::optional<rest_error> text(std::string_view key, const json& v, std::string& out,
                                 std::size_t max = 2048) {
    if (!v.is_string()) return unsupported(key, "expected a string");
    out = v.get<std::string>();
    if (out.size() > max) return unsupported(key, "longer than " + std::to_string(max) + " bytes");
    return std::nullopt;
  }
  // An integer, or a string of one (forms have no numbers).
  std::optional<rest_error> integer(std::string_view key, const json& v, std::int64_t& out) {
    if (v.is_number_integer()) {
      out = v.get<std::int64_t>();
      return std::nullopt;
    }
    if (v.is_string()) {
      if (const auto n = to_integer(v.get<std::string>())) {
        out = *n;
        return std::nullopt;
      }
    }
    return unsupported(key, "expected an integer");
  }

  std::optional<rest_error> field(const std::string& key, const json& v, sms_request& out) {
    if (key == "message") {
      if (auto e = text(key, v, out.message, 64 * 1024)) return e;
      if (out.message.empty()) return errors::missing_parameter(name(key));
      return std::nullopt;
    }
    if (key == "recipients") return recipients(v, out);
    if (key == "sender") return sender(v, out);
    if (key == "class") return text(key, v, out.message_class, 64);
    if (key == "userref") return text(key, v, out.userref, 256);
    if (key == "label") return text(key, v, out.label, 256);
    if (key == "callback_url") {
      if (auto e = text(key, v, out.callback_url)) return e;
      if (!out.callback_url.starts_with("http://") && !out.callback_url.starts_with("https://"))
        return unsupported(key, "expected an http:// or https:// URL");
      return std::nullopt;
    }
    if (key == "priority") {
      // GatewayAPI's names, or the SMPP priority_flag they stand for (0-3, as a number or,
      // from a form, as its digit).
      if (v.is_number_integer()) {
        const auto n = v.get<std::int64_t>();
        if (n < 0 || n >= static_cast<std::int64_t>(priority_names.size()))
          return errors::priority_not_available(std::to_string(n));
        out.priority = static_cast<std::uint8_t>(n);
        return std::nullopt;
      }
      std::string p;
      if (auto e = text(key, v, p, 64)) return e;
      if (p.size() == 1 && p[0] >= '0' && p[0] < static_cast<char>('0' + priority_names.size())) {
        out.priority = static_cast<std::uint8_t>(p[0] - '0');
        return std::nullopt;
      }
      const auto it = std::find(priority_names.begin(), priority_names.end(), p);
      if (it == priority_names.end()) return errors::priority_not_available(p);
      out.priority = static_cast<std::uint8_t>(it - priority_names.begin());
      return std::nullopt;
    }
    if (key == "encoding") {
      std::string e;
      if (auto err = text(key, v, e, 16)) return err;
      if (e == "UTF8")
        out.encoding = text_encoding::utf8;
      else if (e == "UCS2")
        out.encoding = text_encoding::ucs2;
      else
        return unsupported(key, "expected \"UTF8\" or \"UCS2\"");
      return std::nullopt;
    }
    if (key == "destaddr") {
      std::string d;
      if (auto e = text(key, v, d, 16)) return e;
      if (d != "MOBILE" && d != "DISPLAY") return unsupported(key, "expected MOBILE or DISPLAY");
      out.flash = d == "DISPLAY";
      return std::nullopt;
    }
    if (key == "sendtime") {
      std::int64_t t = 0;
      if (auto e = integer(key, v, t)) return e;
      // Up to 2100: far enough for any schedule, and no overflow in the clock's nanoseconds.
      if (t < 0 || t > max_sendtime) return unsupported(key, "expected Unix seconds before 2100");
      out.sendtime = t;
      return std::nullopt;
    }
    if (key == "validity_period") {
      std::int64_t s = 0;
      if (auto e = integer(key, v, s)) return e;
      if (s < min_validity_s || s > std::numeric_limits<std::uint32_t>::max())
        return unsupported(key, "expected seconds, at least " + std::to_string(min_validity_s));
      out.validity_period = static_cast<std::uint32_t>(s);
      return std::nullopt;
    }
    if (key == "max_parts") {
      std::int64_t n = 0;
      if (auto e = integer(key, v, n)) return e;
      if (n < 1 || n > 255) return unsupported(key, "expected 1 to 255");
      out.max_parts = static_cast<std::uint32_t>(n);
      return std::nullopt;
    }
    // GatewayAPI's clients send tags for its reporting; smppd has none, so they are ignored.
    if (key == "tags") {
      if (!v.is_array()) return unsupported(key, "expected an array of strings");
      return std::nullopt;
    }
    return unsupported(key, "not a field of /rest/mtsms");
  }

  std::optional<rest_error> sender(const json& v, sms_request& out) {
    if (auto e = text("sender", v, out.sender, 64)) return e;
    const std::string& s = out.sender;
    const bool digits = all_digits(s) && s.size() <= max_msisdn_digits;
    const bool alnum = !s.empty() && s.size() <= max_alphanumeric_sender &&
                       std::all_of(s.begin(), s.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == ' ' || c == '-' || c == '.' || c == '_';
                       });
    if (!digits && !alnum)
      return unsupported("sender", "expected up to 11 letters and digits, or up to 15 digits");
    return std::nullopt;
  }

  std::optional<rest_error> msisdn(const json& v, std::size_t index, std::string& out) {
    const std::string key = "recipients[" + std::to_string(index) + "].msisdn";
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() > 0)) {
      out = std::to_string(v.get<std::uint64_t>());
    } else if (v.is_string()) {
      out = v.get<std::string>();
      if (out.starts_with('+')) out.erase(0, 1);
    } else {
      return unsupported(key, "expected a number or a string of digits");
    }
    if (!all_digits(out) || out.size() > max_msisdn_digits)
      return unsupported(key, "expected an MSISDN of 1 to 15 digits");
    return std::nullopt;
  }

  std::optional<rest_error> recipients(const json& v, sms_request& out) {
    if (!v.is_array()) return unsupported("recipients", "expected an array of {\"msisdn\": ...}");
    if (v.empty()) return errors::missing_parameter(name("recipients"));
    if (v.size() > max_recipients) {
      return unsupported("recipients", "more than " + std::to_string(max_recipients) +
                                           " recipients in one message");
    }
    std::unordered_set<std::string> seen;
    seen.reserve(v.size());
    out.recipients.clear();
    out.recipients.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& r = v[i];
      if (!r.is_object() || !r.contains("msisdn")) {
        return errors::missing_parameter(name("recipients[" + std::to_string(i) + "].msisdn"));
      }
      for (const auto& [key, value] : r.items()) {
        // GatewayAPI's per-recipient tag values belong to tags: ignored with them.
        if (key != "msisdn" && key != "tagvalues") {
          return unsupported("recipients[" + std::to_string(i) + "]." + key,
                             "not a field of a recipient");
        }
      }
      std::string number;
      if (auto e = msisdn(r["msisdn"], i, number)) return e;
      if (!seen.insert(number).second) return errors::duplicate_recipient(number);
      out.recipients.push_back(std::move(number));
    }
    return std::nullopt;
  }

  std::string prefix_;
};

parse_result read_objects(const json& body) {
  std::vector<sms_request> out;
  if (body.is_object()) {
    sms_request r;
    if (auto e = object_reader("").read(body, r)) return *e;
    out.push_back(std::move(r));
    return out;
  }
  if (!body.is_array() || body.empty()) {
    return errors::unsupported_parameter("body", "expected a JSON object or an array of them");
  }
  std::size_t recipients = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    sms_request r;
    if (auto e = object_reader("[" + std::to_string(i) + "].").read(body[i], r)) return *e;
    recipients += r.recipients.size();
    if (recipients > max_recipients) {
      return errors::unsupported_parameter(
          "recipients", "more than " + std::to_string(max_recipients) + " in one request");
    }
    out.push_back(std::move(r));
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

parse_result parse_json(std::string_view body) {
  if (nested_too_deep(body)) {
    return errors::unsupported_parameter(
        "body", "JSON nested deeper than " + std::to_string(max_nesting) + " levels");
  }
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return errors::unsupported_parameter("body", "malformed JSON");
  return read_objects(parsed);
}

parse_result parse_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  json object = json::object();
  json recipients = json::array();
  std::vector<std::pair<std::size_t, std::string>> indexed;
  for (const auto& [key, value] : fields) {
    if (key.starts_with("recipients.")) {
      // recipients.N.msisdn
      const std::string_view rest = std::string_view(key).substr(11);
      const auto dot = rest.find('.');
      const auto index = to_integer(rest.substr(0, dot));
      if (dot == std::string_view::npos || !index || *index < 0 ||
          *index >= static_cast<std::int64_t>(max_recipients) || rest.substr(dot + 1) != "msisdn") {
        return errors::unsupported_parameter(key, "expected recipients.N.msisdn");
      }
      const auto n = static_cast<std::size_t>(*index);
      if (std::any_of(indexed.begin(), indexed.end(), [n](const auto& e) { return e.first == n; }))
        return errors::unsupported_parameter(key, "given twice");
      indexed.emplace_back(n, value);
    } else if (key == "recipients" || key == "msisdn") {
      std::size_t start = 0;
      while (start <= value.size()) {
        const auto comma = value.find(',', start);
        const auto end = comma == std::string::npos ? value.size() : comma;
        if (end > start) recipients.push_back({{"msisdn", value.substr(start, end - start)}});
        if (recipients.size() > max_recipients) break;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (key == "tags") {
      object["tags"] = json::array({value});
    } else {
      if (object.contains(key)) return errors::unsupported_parameter(key, "given twice");
      object[key] = value;
    }
  }
  std::sort(indexed.begin(), indexed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [index, number] : indexed) recipients.push_back({{"msisdn", number}});
  if (!recipients.empty()) object["recipients"] = std::move(recipients);
  return read_objects(object);
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_urlencoded(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto amp = text.find('&', start);
    if (amp == std::string_view::npos) amp = text.size();
    const auto pair = text.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = url_decode(pair.substr(0, eq));
    auto value =
        url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

}  // namespace smppd::rest
