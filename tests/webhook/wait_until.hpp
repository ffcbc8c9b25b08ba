#pragma once
// Polling instead of fixed sleeps: fast when things go well, generous when the machine is
// loaded (sanitizers, a second build on the same cores).

#include <chrono>
#include <thread>

namespace smppd::webhook::testing {

template <typename Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace smppd::webhook::testing
