#include "smpp/smpp_time.hpp"

#include <chrono>

namespace smppd::smpp {
namespace {

// Two decimal digits at `at`, or -1.
int two_digits(std::string_view text, std::size_t at) {
  const char a = text[at];
  const char b = text[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
  return (a - '0') * 10 + (b - '0');
}

}  // namespace

result<std::optional<wall_time>> resolve_smpp_time(std::string_view text, wall_time now) {
  using namespace std::chrono;
  const auto invalid = std::make_error_code(std::errc::invalid_argument);
  if (text.empty()) return std::optional<wall_time>{};
  if (text.size() != 16) return invalid;

  int fields[6];  // YY MM DD hh mm ss
  for (int i = 0; i < 6; ++i) {
    fields[i] = two_digits(text, static_cast<std::size_t>(i) * 2);
    if (fields[i] < 0) return invalid;
  }
  const char tenths = text[12];
  const int quarters = two_digits(text, 13);
  const char direction = text[15];
  if (tenths < '0' || tenths > '9' || quarters < 0) return invalid;
  const auto [yy, mo, dd, hh, mi, ss] = fields;

  if (direction == 'R') {
    // Relative: a duration of years, months, days, hours, minutes and seconds, added in
    // calendar terms (one month from 31 January is the last day of February).
    const sys_days today = floor<days>(now);
    const year_month_day date{today};
    year_month_day shifted = date + years{yy} + months{mo};
    if (!shifted.ok()) shifted = shifted.year() / shifted.month() / last;
    const auto time_of_day = now - today;
    return std::optional<wall_time>(sys_days{shifted} + days{dd} + hours{hh} + minutes{mi} +
                                    seconds{ss} +
                                    duration_cast<system_clock::duration>(time_of_day));
  }
  if (direction != '+' && direction != '-') return invalid;
  if (quarters > 48) return invalid;
  if (mo < 1 || mo > 12 || hh > 23 || mi > 59 || ss > 59) return invalid;
  const year_month_day date{year{2000 + yy}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(dd)}};
  if (!date.ok()) return invalid;
  const auto local =
      sys_days{date} + hours{hh} + minutes{mi} + seconds{ss} + milliseconds{(tenths - '0') * 100};
  // "+" means local time is ahead of UTC: UTC = local - offset.
  const minutes offset{quarters * 15};
  const auto utc = direction == '+' ? local - offset : local + offset;
  return std::optional<wall_time>(time_point_cast<system_clock::duration>(utc));
}

}  // namespace smppd::smpp
