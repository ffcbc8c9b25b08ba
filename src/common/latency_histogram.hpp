#pragma once
// A latency histogram many threads add to without a lock (relaxed atomics: a scrape may see
// a sum a moment ahead of its counts, which Prometheus tolerates), in Prometheus' shape:
// cumulative counts per upper bound, a total count and a sum.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace smppd {

class latency_histogram {
 public:
  // Upper bounds in microseconds: 0.1 ms to 5 s, roughly x2.5 apart.
  static constexpr std::array<std::uint64_t, 14> bounds_us = {
      100,   250,   500,    1000,   2500,   5000,    10000,
      25000, 50000, 100000, 250000, 500000, 1000000, 5000000};

  // `count` observations of the same duration (the messages of one batch).
  void add(std::chrono::steady_clock::duration d, std::uint64_t count = 1) noexcept {
    const auto us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(d).count());
    std::size_t i = 0;
    while (i < bounds_us.size() && us > bounds_us[i]) ++i;
    buckets_[i].fetch_add(count, std::memory_order_relaxed);  // i == size(): only +Inf
    sum_us_.fetch_add(us * count, std::memory_order_relaxed);
  }

  struct snapshot {
    std::array<std::uint64_t, bounds_us.size()> cumulative{};  // observations <= each bound
    std::uint64_t count = 0;                                   // all, the +Inf bucket
    double sum_seconds = 0;
  };
  snapshot read() const noexcept {
    snapshot s;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bounds_us.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      s.cumulative[i] = running;
    }
    s.count = running + buckets_[bounds_us.size()].load(std::memory_order_relaxed);
    s.sum_seconds = static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6;
    return s;
  }

 private:
  std::array<std::atomic<std::uint64_t>, bounds_us.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_us_{0};
};

}  // namespace smppd
