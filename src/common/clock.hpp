#pragma once
// Time as a value passed in: protocol cores, timers and throttles take `now` as an argument
// so tests can step it without sleeping. Only the I/O shell reads the real clocks.

#include <chrono>

namespace smppd {

using steady_time = std::chrono::steady_clock::time_point;
using wall_time = std::chrono::system_clock::time_point;

}  // namespace smppd
