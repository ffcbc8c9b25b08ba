#pragma once
// Bounds the log lines one source (a session, the receipt queue) can cause, whatever a peer
// sends: pure, time as an argument, no locking (one owner).
//
// log_limiter: the first `burst` lines of each interval are logged; the rest are counted by
// kind and reported as one summary once the interval is over (at the next line, or when
// the owner asks, e.g. when the session closes).
// interval_tally: counts per key (an account), reported as one line per key per interval.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smppd {

// What was suppressed, by kind, in key order.
using suppressed_counts = std::vector<std::pair<std::string, std::uint64_t>>;

template <class TimePoint>
class log_limiter {
 public:
  using duration = typename TimePoint::duration;

  log_limiter(std::uint32_t burst, duration interval) : burst_(burst), interval_(interval) {}

  // True: log this line now. False: it was counted under `kind` for the next summary.
  // The caller takes the summary (summary()) first, so lines come out in time order.
  bool admit(std::string_view kind, TimePoint now) {
    if (!started_ || now >= window_start_ + interval_) {
      started_ = true;
      window_start_ = now;
      logged_ = 0;
    }
    if (logged_ < burst_) {
      ++logged_;
      return true;
    }
    auto it = suppressed_.find(kind);
    if (it == suppressed_.end()) it = suppressed_.emplace(std::string(kind), 0).first;
    ++it->second;
    ++total_suppressed_;
    return false;
  }

  // The counts suppressed since the last summary, once the interval they fell in is over
  // (at once with `force`, e.g. at the end of a session); empty otherwise.
  suppressed_counts summary(TimePoint now, bool force = false) {
    if (suppressed_.empty() || (!force && now < window_start_ + interval_)) return {};
    suppressed_counts out(suppressed_.begin(), suppressed_.end());
    suppressed_.clear();
    return out;
  }

  std::uint64_t total_suppressed() const noexcept { return total_suppressed_; }

 private:
  std::uint32_t burst_;
  duration interval_;
  bool started_ = false;
  TimePoint window_start_{};
  std::uint32_t logged_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> suppressed_;
  std::uint64_t total_suppressed_ = 0;
};

template <class TimePoint>
class interval_tally {
 public:
  using duration = typename TimePoint::duration;

  explicit interval_tally(duration interval) : interval_(interval) {}

  // The interval starts with the first count after a report.
  void add(std::string_view key, std::uint64_t n, TimePoint now) {
    if (n == 0) return;
    if (counts_.empty()) since_ = now;
    auto it = counts_.find(key);
    if (it == counts_.end()) it = counts_.emplace(std::string(key), 0).first;
    it->second += n;
  }

  // The counts per key once `interval` has passed since the first of them (at once with
  // `force`), in key order; empty otherwise.
  suppressed_counts take_due(TimePoint now, bool force = false) {
    if (counts_.empty() || (!force && now < since_ + interval_)) return {};
    suppressed_counts out(counts_.begin(), counts_.end());
    counts_.clear();
    return out;
  }

  duration interval() const noexcept { return interval_; }

 private:
  duration interval_;
  TimePoint since_{};
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

// "unsupported command 7600, undecodable PDU 12"
inline std::string format_counts(const suppressed_counts& counts) {
  std::string out;
  for (const auto& [kind, n] : counts) {
    if (!out.empty()) out += ", ";
    out += kind;
    out += ' ';
    out += std::to_string(n);
  }
  return out;
}

}  // namespace smppd
