#pragma once
// Counts per SMPP command_status without a lock: one relaxed atomic per value up to 0x4FF
// (SMPP 3.4's and 5.0's ranges), one more for anything above.

#include <array>
#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

namespace smppd {

class status_tally {
 public:
  static constexpr std::uint32_t tracked = 0x500;

  void add(std::uint32_t value) noexcept {
    counts_[value < tracked ? value : tracked].fetch_add(1, std::memory_order_relaxed);
  }
  // The values seen, with their counts (the bucket above 0x4FF as `tracked`).
  std::vector<std::pair<std::uint32_t, std::uint64_t>> read() const {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
    for (std::uint32_t i = 0; i <= tracked; ++i) {
      if (const auto n = counts_[i].load(std::memory_order_relaxed); n != 0) out.emplace_back(i, n);
    }
    return out;
  }

 private:
  std::array<std::atomic<std::uint64_t>, tracked + 1> counts_{};
};

}  // namespace smppd
