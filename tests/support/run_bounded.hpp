#pragma once
// Coroutine tests under a hard deadline: a hang is a failure, never a stuck ctest.

#include <gtest/gtest.h>

#include <asio.hpp>
#include <chrono>
#include <exception>
#include <memory>

namespace smppd::test_support {

// Runs `body` on `io` and fails the test if it has not finished within `limit`.
template <class Body>
void run_bounded(asio::io_context& io, Body body,
                 std::chrono::seconds limit = std::chrono::seconds(10)) {
  using namespace std::chrono_literals;
  auto done = std::make_shared<bool>(false);
  auto error = std::make_shared<std::exception_ptr>();
  asio::co_spawn(io, std::move(body), [done, error](std::exception_ptr e) {
    *done = true;
    *error = e;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!*done && std::chrono::steady_clock::now() < deadline) io.run_one_for(100ms);
  ASSERT_TRUE(*done) << "the test did not finish within " << limit.count() << " s";
  if (*error) std::rethrow_exception(*error);
  io.restart();
  io.run_for(50ms);  // let closing sessions finish their coroutines
}

}  // namespace smppd::test_support
