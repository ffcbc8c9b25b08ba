#pragma once
// Hermetic integration tests: the real smppd binary on loopback with port 0, driven by a
// small blocking client speaking raw PDUs through our codec (and OpenSSL for TLS).

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "smpp/codec.hpp"
#include "support/process.hpp"

namespace smppd::testing {

// A scratch folder with a config file; removed at the end.
class scratch_dir {
 public:
  scratch_dir();
  ~scratch_dir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path config() const { return path_ / "smppd.toml"; }
  // Writes smppd.toml: loopback, port 0, plus `extra` lines appended to [smpp].
  void write_config(const std::string& smpp_extra = "", const std::string& tail = "") const;

 private:
  std::filesystem::path path_;
};

struct command_result {
  int exit_status;
  std::string out;
  std::string err;
};

// Runs `smppd ARGS...` to completion.
command_result run_smppd(const std::vector<std::string>& args);

// `smppd account add NAME --password PASSWORD EXTRA... --config` the dir's config.
command_result add_account(const scratch_dir& dir, const std::string& name,
                           const std::string& password, const std::vector<std::string>& extra = {});

// `smppd serve` in the background, with its listening addresses.
class server_process {
 public:
  explicit server_process(const scratch_dir& dir);
  ~server_process();  // SIGKILL if still running

  std::uint16_t port() const { return port_; }
  std::uint16_t tls_port() const { return tls_port_; }
  // SIGTERM, then the exit status (or -1 if it did not exit within `limit`).
  int terminate(std::chrono::milliseconds limit = std::chrono::seconds(12));
  // SIGKILL (a crash), then wait for it; 128 + 9 once it is gone, -1 if it was not running.
  int kill();
  bool running();
  std::string log() const;  // what it wrote to stderr so far
  long resident_kib() const;

 private:
  std::filesystem::path log_file_;
  std::unique_ptr<test_support::child_process> process_;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
};

enum class read_outcome { pdu, closed, timeout, undecodable };

// A blocking SMPP connection with timeouts, plain or TLS.
class raw_client {
 public:
  // `source`: the local IPv4 address to connect from (any 127.x.y.z works on loopback), so
  // a test can be a second peer address.
  explicit raw_client(std::uint16_t port, bool tls = false, const char* source = nullptr);
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  bool connected() const { return fd_ >= 0; }
  void send_bytes(const std::vector<std::uint8_t>& bytes);
  void send(const smpp::pdu& p) { send_bytes(smpp::encode(p)); }
  // The next PDU, or why there is none within `limit`.
  read_outcome read(smpp::pdu& out, std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Reads until a PDU arrives; fails the test otherwise.
  smpp::pdu expect_pdu(std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Like expect_pdu, but answers and skips the server's own enquire_links, which may
  // arrive at any moment on a slow (sanitizer) build.
  smpp::pdu expect_response(std::chrono::milliseconds limit = std::chrono::seconds(5));
  // True when the server closed the connection within `limit` (PDUs before that are skipped).
  bool closed_within(std::chrono::milliseconds limit);

  // bind_* with these credentials; returns the bind_resp's command_status.
  smpp::command_status bind(smpp::command_id kind, const std::string& system_id,
                            const std::string& password, std::uint8_t interface_version = 0x34);
  // A valid submit_sm; returns the response.
  smpp::pdu submit(const std::string& destination, const std::string& text,
                   std::uint8_t registered_delivery = 0);

  std::uint32_t next_sequence() { return ++sequence_; }

 private:
  int fd_ = -1;
  SSL_CTX* ssl_ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::vector<std::uint8_t> buffer_;
  std::uint32_t sequence_ = 0;
};

smpp::submit_sm make_submit(const std::string& destination, const std::string& text);

// A receipt date (YYMMDDhhmm, UTC) of a moment.
std::string utc_minute(std::chrono::system_clock::time_point t);
// True when `date` (YYMMDDhhmm) is a UTC minute within [from - 1 min, to + 1 min].
bool utc_minute_between(const std::string& date, std::chrono::system_clock::time_point from,
                        std::chrono::system_clock::time_point to);

// Reading what a server sends a receiver.
std::string message_id_of(const smpp::pdu& submit_sm_resp);
std::string receipted_id(const smpp::pdu& deliver_sm);
std::string text_of(const smpp::pdu& deliver_sm);
std::string describe(const smpp::pdu& p);  // one line, for failure messages
// Reads PDUs until `deadline` or until `done()` holds. Answers the server's enquire_link and
// unbind; every deliver_sm is appended to `seen` and, when `ack` is set, answered with a
// deliver_sm_resp of that status. Returns false when the connection closed.
bool pump(raw_client& c, std::chrono::steady_clock::time_point deadline,
          std::vector<smpp::pdu>& seen,
          std::optional<smpp::command_status> ack = smpp::command_status::esme_rok,
          const std::function<bool()>& done = {});
std::set<std::string> ids_of(const std::vector<smpp::pdu>& delivers);

}  // namespace smppd::testing
