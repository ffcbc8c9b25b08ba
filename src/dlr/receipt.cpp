#include "dlr/receipt.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <set>
#include <vector>

namespace smppd::dlr {
namespace {

struct status_name {
  receipt_status status;
  std::string_view name;
};

constexpr std::array<status_name, 9> status_names{{
    {receipt_status::enroute, "ENROUTE"},
    {receipt_status::delivrd, "DELIVRD"},
    {receipt_status::expired, "EXPIRED"},
    {receipt_status::deleted, "DELETED"},
    {receipt_status::undeliv, "UNDELIV"},
    {receipt_status::acceptd, "ACCEPTD"},
    {receipt_status::unknown, "UNKNOWN"},
    {receipt_status::rejectd, "REJECTD"},
    {receipt_status::buffered, "BUFFERD"},
}};

// Long forms seen from carriers and other gateways.
constexpr std::array<status_name, 8> status_aliases{{
    {receipt_status::delivrd, "DELIVERED"},
    {receipt_status::undeliv, "UNDELIVERABLE"},
    {receipt_status::undeliv, "UNDELIVERED"},
    {receipt_status::rejectd, "REJECTED"},
    {receipt_status::acceptd, "ACCEPTED"},
    {receipt_status::buffered, "BUFFERED"},
    {receipt_status::expired, "EXPIRD"},
    {receipt_status::deleted, "DELETD"},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Leading decimal digits as a number; nullopt when there are none or too many.
std::optional<std::uint32_t> parse_number(std::string_view s) noexcept {
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
    if (v > 0xFFFFFFFFu) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

// Key normalised for comparison: lower case, without '_' and spaces.
std::string normalise_key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '_' || is_space(c)) continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// `value` in decimal, zero-padded to `width` digits (more when it needs more). Written by
// hand: the receipt text is formatted once per message, and printf was a tenth of the
// engine thread's time.
void append_padded(std::string& out, std::uint32_t value, int width) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

std::string_view to_string(receipt_status status) noexcept {
  for (const auto& s : status_names) {
    if (s.status == status) return s.name;
  }
  return "UNKNOWN";
}

std::optional<receipt_status> parse_status(std::string_view text) noexcept {
  text = trim(text);
  for (const auto& s : status_names) {
    if (iequals(s.name, text)) return s.status;
  }
  for (const auto& s : status_aliases) {
    if (iequals(s.name, text)) return s.status;
  }
  return std::nullopt;
}

bool is_final(receipt_status status) noexcept {
  return status != receipt_status::enroute && status != receipt_status::buffered;
}

bool is_failure(receipt_status status) noexcept {
  return is_final(status) && status != receipt_status::delivrd && status != receipt_status::acceptd;
}

std::uint8_t message_state(receipt_status status) noexcept {
  switch (status) {
    case receipt_status::enroute:
    case receipt_status::buffered:
      return 1;
    case receipt_status::delivrd:
      return 2;
    case receipt_status::expired:
      return 3;
    case receipt_status::deleted:
      return 4;
    case receipt_status::undeliv:
      return 5;
    case receipt_status::acceptd:
      return 6;
    case receipt_status::unknown:
      return 7;
    case receipt_status::rejectd:
      return 8;
  }
  return 7;
}

std::optional<receipt_status> from_message_state(std::uint8_t state) noexcept {
  switch (state) {
    case 1:
      return receipt_status::enroute;
    case 2:
      return receipt_status::delivrd;
    case 3:
      return receipt_status::expired;
    case 4:
      return receipt_status::deleted;
    case 5:
      return receipt_status::undeliv;
    case 6:
      return receipt_status::acceptd;
    case 7:
      return receipt_status::unknown;
    case 8:
      return receipt_status::rejectd;
    default:
      return std::nullopt;
  }
}

std::string format_date(wall_time t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  std::string out;
  out.reserve(10);
  append_padded(out, static_cast<std::uint32_t>((static_cast<int>(ymd.year()) % 100 + 100) % 100),
                2);
  append_padded(out, static_cast<unsigned>(ymd.month()), 2);
  append_padded(out, static_cast<unsigned>(ymd.day()), 2);
  append_padded(out, static_cast<std::uint32_t>(hms.hours().count()), 2);
  append_padded(out, static_cast<std::uint32_t>(hms.minutes().count()), 2);
  return out;
}

std::optional<wall_time> parse_date(std::string_view digits) noexcept {
  using namespace std::chrono;
  if (digits.size() != 10 && digits.size() != 12) return std::nullopt;
  int v[6] = {0, 0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(digits[i]))) return std::nullopt;
    v[i / 2] = v[i / 2] * 10 + (digits[i] - '0');
  }
  const year_month_day ymd{year{2000 + v[0]}, month{static_cast<unsigned>(v[1])},
                           day{static_cast<unsigned>(v[2])}};
  if (!ymd.ok() || v[3] > 23 || v[4] > 59 || v[5] > 59) return std::nullopt;
  return wall_time{sys_days{ymd} + hours{v[3]} + minutes{v[4]} + seconds{v[5]}};
}

std::string format(const receipt& r) {
  std::string out;
  out.reserve(128);
  out += "id:";
  out += r.id;
  out += " sub:";
  append_padded(out, r.sub, 3);
  out += " dlvrd:";
  append_padded(out, r.dlvrd, 3);
  out += " submit date:";
  out += r.submit_date ? format_date(*r.submit_date) : "0000000000";
  out += " done date:";
  out += r.done_date ? format_date(*r.done_date) : "0000000000";
  out += " stat:";
  out += to_string(r.stat);
  out += " err:";
  append_padded(out, r.err, 3);
  out += " text:";
  out += std::string_view(r.text).substr(0, max_text_chars);
  return out;
}

receipt make_receipt(std::string id, wall_time submit_date, wall_time done_date,
                     receipt_status stat, std::uint32_t gateway_error, std::string_view reference) {
  receipt r;
  r.id = std::move(id);
  r.sub = 1;
  r.dlvrd = stat == receipt_status::delivrd ? 1 : 0;
  r.submit_date = submit_date;
  r.done_date = done_date;
  r.stat = stat;
  r.err = err_from_gateway_error(gateway_error);
  r.text = std::string(reference.substr(0, max_text_chars));
  return r;
}

namespace {

// Whether words[w] starts a receipt field whose key is not in `seen`.
bool starts_unseen_field(const std::vector<std::string_view>& words, std::size_t w,
                         const std::set<std::string>& seen) {
  const auto word = words[w];
  std::string key;
  if (const auto colon = word.find(':'); colon != std::string_view::npos) {
    key = normalise_key(word.substr(0, colon));
  } else if (w + 1 < words.size() && (iequals(word, "submit") || iequals(word, "done"))) {
    const auto next = words[w + 1];
    const auto c2 = next.find(':');
    if (c2 == std::string_view::npos || normalise_key(next.substr(0, c2)) != "date") return false;
    key = normalise_key(word) + "date";
  } else {
    return false;
  }
  static const std::set<std::string> fields{"id",       "sub",  "dlvrd", "submitdate",
                                            "donedate", "stat", "err"};
  return fields.contains(key) && !seen.contains(key);
}

}  // namespace

std::optional<receipt> parse(std::string_view text) {
  // Words separated by white space. "text:" takes the rest of the line (a reference may hold
  // spaces); "submit date:" and "done date:" are two words; "key: value" is accepted too.
  std::vector<std::string_view> words;
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) {
      words.push_back(text.substr(start, i - start));
      offsets.push_back(start);
    }
  }

  receipt r;
  bool have_id = false;
  bool have_stat = false;
  std::set<std::string> seen;  // keys read so far
  for (std::size_t w = 0; w < words.size(); ++w) {
    std::string_view word = words[w];
    std::string key;
    std::string_view value;
    const auto colon = word.find(':');
    if (colon == std::string_view::npos) {
      // "submit date:..." / "done date:...": the key's first word stands alone.
      if (w + 1 < words.size() && (iequals(word, "submit") || iequals(word, "done"))) {
        const std::string_view next = words[w + 1];
        const auto c2 = next.find(':');
        if (c2 != std::string_view::npos && normalise_key(next.substr(0, c2)) == "date") {
          key = normalise_key(word) + "date";
          value = next.substr(c2 + 1);
          ++w;
        }
      }
      if (key.empty()) continue;  // a word that is no field: skip it
    } else {
      key = normalise_key(word.substr(0, colon));
      value = word.substr(colon + 1);
    }
    seen.insert(key);
    if (key == "text") {
      // The rest of the line, up to a field not seen yet: carriers that put text: before
      // other fields exist, and a reference may hold spaces or even "err:".
      const std::size_t from = offsets[w] + (colon == std::string_view::npos ? 0 : colon + 1);
      std::size_t next = w + 1;
      while (next < words.size() && !starts_unseen_field(words, next, seen)) ++next;
      const std::size_t to = next < words.size() ? offsets[next] : text.size();
      r.text = std::string(trim(text.substr(from, to - from)));
      w = next - 1;
      continue;
    }
    // "stat: DELIVRD": the value is the next word when it is not a field itself.
    if (value.empty() && w + 1 < words.size() && words[w + 1].find(':') == std::string_view::npos) {
      value = words[++w];
    }
    if (key == "id") {
      r.id = std::string(value);
      have_id = !r.id.empty();
    } else if (key == "sub") {
      if (auto n = parse_number(value)) r.sub = *n;
    } else if (key == "dlvrd") {
      if (auto n = parse_number(value)) r.dlvrd = *n;
    } else if (key == "submitdate") {
      r.submit_date = parse_date(value);
    } else if (key == "donedate") {
      r.done_date = parse_date(value);
    } else if (key == "stat") {
      if (auto s = parse_status(value)) {
        r.stat = *s;
        have_stat = true;
      }
    } else if (key == "err") {
      if (auto n = parse_number(value)) r.err = *n;
    }
  }
  if (!have_id || !have_stat) return std::nullopt;
  return r;
}

}  // namespace smppd::dlr
