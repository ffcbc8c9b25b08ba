#include "support/postgres_server.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "support/process.hpp"

namespace smppd::test_support {
namespace {

const std::filesystem::path bin_dir = "/usr/lib/postgresql/15/bin";
constexpr auto command_limit = std::chrono::seconds(60);
constexpr int start_attempts = 5;

struct connection_closer {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct result_clearer {
  void operator()(PGresult* r) const { PQclear(r); }
};

// postgres refuses to run as root, so as root its programs run as the postgres user.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (::geteuid() != 0) return argv;
  std::string runuser = find_on_path("runuser");
  if (runuser.empty()) runuser = "/usr/sbin/runuser";  // root's PATH may lack /usr/sbin
  argv.insert(argv.begin(), {runuser, "-u", "postgres", "--"});
  return argv;
}

std::string last_lines(const std::filesystem::path& file, std::size_t count) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) lines.pop_front();
  }
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

// Runs a server program; on failure throws with its output and the end of the server log.
void run_checked(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  run_options options;
  options.limit = command_limit;
  options.env = {"LC_ALL=C"};  // messages in English for the error text
  const auto r = run(as_server_user(argv), options);
  if (r.exit_code == 0) return;
  throw std::runtime_error("postgres_server: `" + joined(argv) + "` exited with " +
                           std::to_string(r.exit_code) + "\n" + r.out + r.err + "--- end of " +
                           log.string() + ":\n" + last_lines(log, 20));
}

std::filesystem::path make_temp_dir() {
  std::string path = "/tmp/smppd-pg-XXXXXX";  // short: a socket path has 107 bytes at most
  if (::mkdtemp(path.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "postgres_server: mkdtemp");
  }
  return path;
}

void give_to_postgres_user(const std::filesystem::path& dir) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwnam_r("postgres", &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    throw std::runtime_error("postgres_server: no user postgres (is postgresql-15 installed?)");
  }
  if (::chown(dir.c_str(), entry.pw_uid, entry.pw_gid) != 0) {
    throw std::system_error(errno, std::generic_category(),
                            "postgres_server: chown " + dir.string());
  }
}

int random_port() {
  std::random_device seed;
  return std::uniform_int_distribution<int>(20000, 60000)(seed);
}

// The postmaster's pid from its lock file, or -1 when there is none or the process with that
// pid is not a postgres (a stale lock file whose pid was reused).
pid_t postmaster_pid(const std::filesystem::path& data) {
  std::ifstream in(data / "postmaster.pid");
  long pid = -1;
  if (!(in >> pid) || pid <= 0) return -1;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!std::getline(comm, name) || name != "postgres") return -1;
  return static_cast<pid_t>(pid);
}

}  // namespace

postgres_server::postgres_server() : dir_(make_temp_dir()) {
  try {
    if (::geteuid() == 0) give_to_postgres_user(dir_);
    run_checked({(bin_dir / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"},
                dir_ / "log");
    // The socket and its lock live in our directory, so ports cannot collide with other
    // servers; the retries are for a start that fails anyway.
    for (int attempt = 1;; ++attempt) {
      port_ = random_port();
      try {
        start();
        break;
      } catch (const std::runtime_error&) {
        if (attempt == start_attempts) throw;
        stop_immediately();  // in case it came up after all
      }
    }
    create_database("smppd");
  } catch (...) {
    shut_down_and_remove();
    throw;
  }
}

postgres_server::~postgres_server() { shut_down_and_remove(); }

bool postgres_server::available() {
  return ::access((bin_dir / "initdb").c_str(), X_OK) == 0 &&
         ::access((bin_dir / "pg_ctl").c_str(), X_OK) == 0;
}

std::string postgres_server::url() const { return url_of("smppd"); }

std::string postgres_server::url_of(const std::string& database) const {
  // mkdtemp's name has letters and digits only: nothing to percent-encode.
  return "postgresql://postgres@/" + database + "?host=" + dir_.string() +
         "&port=" + std::to_string(port_);
}

void postgres_server::stop() {
  run_checked(
      {(bin_dir / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m", "fast", "-w", "stop"},
      dir_ / "log");
}

void postgres_server::start() {
  // pg_ctl hands -o to a shell, hence the quotes around the directory.
  const std::string options = "-k '" + dir_.string() + "' -c listen_addresses='' -p " +
                              std::to_string(port_) + " -c fsync=on -c max_connections=100";
  run_checked({(bin_dir / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-o", options, "-l",
               (dir_ / "log").string(), "-w", "-t", "30", "start"},
              dir_ / "log");
  // pg_ctl -w already waits for "ready"; this makes "accepts connections" explicit.
  const std::string postgres_db = url_of("postgres");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (PQping(postgres_db.c_str()) != PQPING_OK) {
    if (std::chrono::steady_clock::now() > give_up) {
      throw std::runtime_error("postgres_server: started but not accepting connections at " +
                               postgres_db + "\n--- end of log:\n" + last_lines(dir_ / "log", 20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool postgres_server::running() const { return postmaster_pid(dir_ / "data") > 0; }

void postgres_server::create_database(const std::string& name) const {
  const std::unique_ptr<PGconn, connection_closer> connection(
      PQconnectdb(url_of("postgres").c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("postgres_server: connecting to " + url_of("postgres") + ": " +
                             PQerrorMessage(connection.get()));
  }
  const std::unique_ptr<PGresult, result_clearer> result(
      PQexec(connection.get(), ("CREATE DATABASE " + name).c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("postgres_server: CREATE DATABASE " + name + ": " +
                             PQerrorMessage(connection.get()));
  }
}

void postgres_server::stop_immediately() noexcept {
  if (!running()) return;
  try {
    run_options options;
    options.limit = command_limit;
    run(as_server_user({(bin_dir / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m",
                        "immediate", "-w", "stop"}),
        options);
  } catch (...) {
    // The SIGKILL below still stops it.
  }
  // No server may outlive its test; its backends exit when they see the postmaster gone.
  if (const pid_t pid = postmaster_pid(dir_ / "data"); pid > 0) ::kill(pid, SIGKILL);
}

void postgres_server::shut_down_and_remove() noexcept {
  stop_immediately();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace smppd::test_support
