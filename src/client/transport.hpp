#pragma once
// The byte stream under a session: plain TCP or TLS, behind one small interface so the
// session code is written once. Connect and handshake are bounded by a timeout.

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace smppd::client {

struct endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 2775;
  friend bool operator==(const endpoint&, const endpoint&) = default;
};

// "host:port" (or "[v6]:port"); nullopt when malformed.
std::optional<endpoint> parse_endpoint(std::string_view text);
std::string to_string(const endpoint& e);

struct tls_options {
  bool enabled = false;
  // Verify the server's certificate and name. Off by default: smppd generates a self-signed
  // certificate, and a test server has no CA-signed one.
  bool verify = false;
  std::string ca_file;  // with verify: trust this PEM instead of the system store
};

class transport {
 public:
  virtual ~transport() = default;
  // Reads what is available (at least one byte) into `buffer`.
  virtual asio::awaitable<std::pair<std::error_code, std::size_t>> read_some(
      asio::mutable_buffer buffer) = 0;
  // Writes all of `buffer`.
  virtual asio::awaitable<std::pair<std::error_code, std::size_t>> write(
      asio::const_buffer buffer) = 0;
  virtual void close() noexcept = 0;
  virtual std::string remote() const = 0;
};

// Resolves, connects and (for TLS) handshakes within `timeout`; errc::timeout when it runs
// out, else the Asio error of the last address tried.
asio::awaitable<std::pair<std::error_code, std::unique_ptr<transport>>> connect_transport(
    asio::any_io_executor executor, endpoint server, tls_options tls,
    std::chrono::milliseconds timeout);

}  // namespace smppd::client
