#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace smppd::test_support {
namespace {

using clock = std::chrono::steady_clock;

int exit_status_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Our environment with `extra` added; "NAME=value" entries of the same NAME are replaced.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || x.rfind(name, 0) == 0;
    if (!replaced) out.emplace_back(entry);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child: `fd` becomes `target`, or the child ends with 127.
void redirect(const std::filesystem::path& file, int flags, int target) {
  if (file.empty()) return;
  const int fd = ::open(file.c_str(), flags, 0644);
  if (fd < 0 || ::dup2(fd, target) < 0) ::_exit(127);
  ::close(fd);
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

child_process::child_process(const spawn_options& options) : stop_grace_(options.stop_grace) {
  // Everything the child needs is built before fork: it only calls async-signal-safe code.
  std::vector<std::string> args = options.argv;
  std::vector<std::string> env = environment_with(options.env);
  auto argv = pointers(args);
  auto envp = pointers(env);
  int fds[2] = {-1, -1};
  if (options.pipe_stdout && ::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);  // or the child flushes our buffered output a second time
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    redirect(options.stdin_file, O_RDONLY, STDIN_FILENO);
    redirect(options.stdout_file, O_WRONLY | O_CREAT | O_TRUNC, STDOUT_FILENO);
    redirect(options.stderr_file, O_WRONLY | O_CREAT | O_TRUNC, STDERR_FILENO);
    if (options.pipe_stdout) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
    }
    ::execvpe(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, so a signal right after the spawn reaches the group
  if (options.pipe_stdout) {
    ::close(fds[1]);
    out_fd_ = fds[0];
  }
}

child_process::~child_process() {
  if (pid_ > 0) {
    if (stop_grace_.count() > 0) {
      stop(stop_grace_);
    } else {
      kill();
    }
  }
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool child_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> child_process::wait_for(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return std::nullopt;
  const auto give_up = clock::now() + limit;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return exit_status_of(status);
    }
    if (clock::now() >= give_up) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void child_process::signal(int signal) {
  if (pid_ > 0) ::kill(-pid_, signal);
}

int child_process::kill() {
  if (pid_ <= 0) return -1;
  signal(SIGKILL);
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return r > 0 ? exit_status_of(status) : -1;
}

int child_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  signal(SIGTERM);
  if (const auto status = wait_for(grace)) return *status;
  return kill();
}

std::optional<std::string> child_process::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  for (;;) {
    if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (out_fd_ < 0 || left.count() <= 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    char buf[512];
    const auto n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

run_result run(const std::vector<std::string>& argv, const run_options& options) {
  static std::atomic<int> counter{0};
  const bool keep = !options.keep_files_as.empty();
  const std::string base =
      keep ? options.keep_files_as.string()
           : (std::filesystem::temp_directory_path() /
              ("smppd-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)))
                 .string();
  {
    std::ofstream in(base + ".in", std::ios::binary | std::ios::trunc);
    in.write(options.input.data(), static_cast<std::streamsize>(options.input.size()));
  }
  spawn_options spawn;
  spawn.argv = argv;
  spawn.env = options.env;
  spawn.stdin_file = base + ".in";
  spawn.stdout_file = base + ".out";
  spawn.stderr_file = base + ".err";
  run_result r;
  {
    child_process child(spawn);
    if (const auto status = child.wait_for(options.limit)) {
      r.exit_code = *status;
    } else {
      child.stop(std::chrono::seconds(5));  // a child that ignores SIGTERM still goes
      r.exit_code = 124;
    }
  }
  r.out = read_file(base + ".out");
  r.err = read_file(base + ".err");
  if (!keep) {
    for (const char* ext : {".in", ".out", ".err"}) {
      std::error_code ignored;
      std::filesystem::remove(base + ext, ignored);
    }
  }
  return r;
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  const std::string p = path;
  std::size_t start = 0;
  while (start <= p.size()) {
    const auto end = p.find(':', start);
    const std::string dir =
        p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

}  // namespace smppd::test_support
