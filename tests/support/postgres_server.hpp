#pragma once
// A private PostgreSQL 15 server for a test: its own cluster in a temporary directory under
// /tmp, reachable only through a Unix socket in that directory, with an empty database
// "smppd". Never the system service. As root, the server runs as the postgres user, since
// postgres refuses to run as root.

#include <filesystem>
#include <string>

namespace smppd::test_support {

class postgres_server {
 public:
  // initdb, start, CREATE DATABASE smppd. Throws std::runtime_error naming the failed
  // command with its output and the end of the server log.
  postgres_server();
  // Immediate shutdown if running, then the directory is removed. Never throws.
  ~postgres_server();
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  // Whether the PostgreSQL 15 server programs are installed (scripts/bootstrap installs them).
  static bool available();

  // A libpq URI of the smppd database: postgresql://postgres@/smppd?host=DIR&port=PORT
  std::string url() const;
  const std::filesystem::path& directory() const { return dir_; }
  int port() const { return port_; }

  // Fast shutdown (pg_ctl stop -m fast); returns once the server is down.
  void stop();
  // Starts again on the same directory and port; returns once it accepts connections.
  void start();
  bool running() const;

 private:
  std::string url_of(const std::string& database) const;
  void create_database(const std::string& name) const;
  void stop_immediately() noexcept;
  void shut_down_and_remove() noexcept;

  std::filesystem::path dir_;
  int port_ = 0;
};

}  // namespace smppd::test_support
