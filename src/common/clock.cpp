#include "common/clock.hpp"

namespace smppd {
namespace {

class real_clock final : public wall_clock {
 public:
  wall_time now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace

const wall_clock& system_wall_clock() noexcept {
  static const real_clock instance;
  return instance;
}

}  // namespace smppd
