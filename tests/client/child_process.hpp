#pragma once
// A child process for the tests (node-smpp's server): started with a pipe on its stdout,
// killed and reaped by the destructor, so a failing test never leaves it running.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace smppd::test {

class child_process {
 public:
  // Runs argv[0] (searched on PATH) with argv. Throws std::runtime_error if it cannot start.
  explicit child_process(const std::vector<std::string>& argv);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The next line of its stdout, or nullopt at EOF or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
};

// The full path of `program` on PATH, or "" when it is not there.
std::string find_on_path(const std::string& program);

}  // namespace smppd::test
