#pragma once
// The steady-clock origin the protocol cores' tests step from (they take `now` as an
// argument): one definition, so test files can share a translation unit (unity builds).

#include <chrono>

#include "common/clock.hpp"

namespace smppd::test_support {

inline const steady_time t0{std::chrono::hours(1)};

}  // namespace smppd::test_support
