#pragma once
// Child processes for the tests (`smppd serve`, node, perl, tshark): one spawner with
// arguments, environment and redirections, a wait with a time limit, and kill. Each child
// leads its own process group, so stopping it also stops what it started (a shell's node).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smppd::test_support {

struct spawn_options {
  std::vector<std::string> argv;      // argv[0] is searched on PATH when it has no '/'
  std::vector<std::string> env;       // "NAME=value", added to (or replacing) ours
  std::filesystem::path stdin_file;   // empty: inherited
  std::filesystem::path stdout_file;  // empty: inherited, unless pipe_stdout
  std::filesystem::path stderr_file;  // empty: inherited
  bool pipe_stdout = false;           // for read_line()
  // How long the destructor gives it after SIGTERM before SIGKILL; 0: SIGKILL at once.
  std::chrono::milliseconds stop_grace{0};
};

class child_process {
 public:
  // Throws std::runtime_error when it cannot start (an exec failure is exit status 127).
  explicit child_process(const spawn_options& options);
  ~child_process();  // stops it if it is still running, so a failing test leaves nothing
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // The exit status (128 + signal when a signal ended it), or nullopt if it is still
  // running after `limit`.
  std::optional<int> wait_for(std::chrono::milliseconds limit);
  // Sends `signal` to its process group (nothing once it has been waited for).
  void signal(int signal);
  // SIGKILL, then its exit status; -1 when it was already waited for.
  int kill();
  // SIGTERM, up to `grace` to exit, then SIGKILL; the exit status, -1 when already waited for.
  int stop(std::chrono::milliseconds grace);
  // The next line of its piped stdout, or nullopt at EOF or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
  std::chrono::milliseconds stop_grace_;
};

struct run_result {
  int exit_code = -1;  // 124 when the time limit ended it, as with coreutils `timeout`
  std::string out;     // standard output
  std::string err;     // standard error
  bool timed_out() const { return exit_code == 124 || exit_code == 137; }
};

struct run_options {
  std::string_view input;               // its standard input
  std::chrono::seconds limit{60};       // then SIGTERM, 5 s, SIGKILL
  std::vector<std::string> env;         // as spawn_options::env
  std::filesystem::path keep_files_as;  // BASE.in/.out/.err kept for a look after a failure;
                                        // empty: temporary files, removed
};

// Runs `argv` to completion (or to the time limit) with its output captured.
run_result run(const std::vector<std::string>& argv, const run_options& options = {});

// The full path of `program` on PATH, or "" when it is not there.
std::string find_on_path(const std::string& program);

}  // namespace smppd::test_support
