#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "support/hex.hpp"

namespace smppd::testing {
namespace {

using clock = std::chrono::steady_clock;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::uint16_t port_of(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

}  // namespace

scratch_dir::scratch_dir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("smppd-it-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

scratch_dir::~scratch_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void scratch_dir::write_config(const std::string& smpp_extra, const std::string& tail) const {
  std::ofstream out(config());
  out << "[node]\nid = 7\ndata_dir = \"var\"\n"
      << "[smpp]\nlisten = \"127.0.0.1:0\"\ntls_listen = \"127.0.0.1:0\"\n"
      << smpp_extra << "\n"
      << "[store]\nurl = \"sqlite://var/smppd.db\"\n"
      << "[http]\nlisten = \"127.0.0.1:0\"\n"
      << tail;
}

command_result run_smppd(const std::vector<std::string>& args) {
  std::vector<std::string> argv{SMPPD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  test_support::run_options options;
  options.limit = std::chrono::seconds(120);  // far above any command, yet never a hang
  auto r = test_support::run(argv, options);
  return {r.exit_code, std::move(r.out), std::move(r.err)};
}

command_result add_account(const scratch_dir& dir, const std::string& name,
                           const std::string& password, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"account", "add", name, "--password", password};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"--config", dir.config().string()});
  return run_smppd(args);
}

server_process::server_process(const scratch_dir& dir) : log_file_(dir.path() / "server.log") {
  const auto listening = dir.path() / "var" / "listening.json";
  std::filesystem::remove(listening);
  test_support::spawn_options spawn;
  spawn.argv = {SMPPD_BINARY, "serve", "--config", dir.config().string()};
  spawn.stdout_file = dir.path() / "server.out";
  spawn.stderr_file = log_file_;
  process_ = std::make_unique<test_support::child_process>(spawn);
  const auto give_up = clock::now() + std::chrono::seconds(10);
  while (clock::now() < give_up) {
    if (std::filesystem::exists(listening)) {
      const auto addresses = nlohmann::json::parse(read_file(listening), nullptr, false);
      if (addresses.is_object() && addresses.contains("smpp")) {
        port_ = port_of(addresses["smpp"].get<std::string>());
        if (addresses.contains("smpp_tls"))
          tls_port_ = port_of(addresses["smpp_tls"].get<std::string>());
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "smppd did not start listening:\n" << log();
}

server_process::~server_process() = default;  // the child_process kills it if still running

bool server_process::running() { return process_->running(); }

int server_process::terminate(std::chrono::milliseconds limit) {
  process_->signal(SIGTERM);
  return process_->wait_for(limit).value_or(-1);
}

int server_process::kill() { return process_->kill(); }

std::string server_process::log() const { return read_file(log_file_); }

long server_process::resident_kib() const {
  std::ifstream status("/proc/" + std::to_string(process_->pid()) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

raw_client::raw_client(std::uint16_t port, bool tls, const char* source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (source != nullptr) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ADD_FAILURE() << "cannot bind to " << source;
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (tls) {
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(ssl_ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
      ADD_FAILURE() << "TLS handshake failed";
      ::close(fd_);
      fd_ = -1;
    }
  }
}

raw_client::~raw_client() {
  if (ssl_) SSL_free(ssl_);
  if (ssl_ctx_) SSL_CTX_free(ssl_ctx_);
  if (fd_ >= 0) ::close(fd_);
}

void raw_client::send_bytes(const std::vector<std::uint8_t>& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const long n = ssl_
                       ? SSL_write(ssl_, bytes.data() + sent, static_cast<int>(bytes.size() - sent))
                       : ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server closed: the reads will tell
    sent += static_cast<std::size_t>(n);
  }
}

read_outcome raw_client::read(smpp::pdu& out, std::chrono::milliseconds limit) {
  const auto give_up = clock::now() + limit;
  for (;;) {
    const auto frame = smpp::next_frame(buffer_, 1 << 20);
    if (frame.kind == smpp::frame_kind::frame) {
      auto decoded = smpp::decode(std::span<const std::uint8_t>(buffer_).first(frame.size));
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(frame.size));
      if (!decoded) return read_outcome::undecodable;
      out = std::move(*decoded);
      return read_outcome::pdu;
    }
    if (frame.kind == smpp::frame_kind::fatal) return read_outcome::undecodable;
    if (!ssl_ || SSL_pending(ssl_) == 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(give_up - clock::now());
      if (left.count() <= 0) return read_outcome::timeout;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) == 0) return read_outcome::timeout;
    }
    std::uint8_t chunk[16384];
    const long n = ssl_ ? SSL_read(ssl_, chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return read_outcome::closed;
    buffer_.insert(buffer_.end(), chunk, chunk + n);
  }
}

smpp::pdu raw_client::expect_pdu(std::chrono::milliseconds limit) {
  smpp::pdu p;
  const auto outcome = read(p, limit);
  EXPECT_EQ(outcome, read_outcome::pdu) << "no PDU: " << static_cast<int>(outcome);
  return p;
}

smpp::pdu raw_client::expect_response(std::chrono::milliseconds limit) {
  for (;;) {
    auto p = expect_pdu(limit);
    if (p.command_id() != smpp::command_id::enquire_link) return p;
    send(smpp::make_pdu(smpp::enquire_link_resp{}, p.sequence_number));
  }
}

bool raw_client::closed_within(std::chrono::milliseconds limit) {
  const auto give_up = clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - clock::now());
    if (left.count() <= 0) return false;
    smpp::pdu ignored;
    const auto outcome = read(ignored, left);
    if (outcome == read_outcome::closed) return true;
    if (outcome == read_outcome::timeout) return false;
  }
}

smpp::command_status raw_client::bind(smpp::command_id kind, const std::string& system_id,
                                      const std::string& password, std::uint8_t interface_version) {
  const auto fill = [&](auto body) {
    body.system_id.assign(system_id);
    body.password.assign(password);
    body.interface_version = interface_version;
    return smpp::make_pdu(body, next_sequence());
  };
  switch (kind) {
    case smpp::command_id::bind_transmitter:
      send(fill(smpp::bind_transmitter{}));
      break;
    case smpp::command_id::bind_receiver:
      send(fill(smpp::bind_receiver{}));
      break;
    default:
      send(fill(smpp::bind_transceiver{}));
      break;
  }
  const auto resp = expect_response();
  EXPECT_EQ(resp.command_id(), smpp::response_id(kind));
  EXPECT_EQ(resp.sequence_number, sequence_);
  return resp.command_status;
}

smpp::submit_sm make_submit(const std::string& destination, const std::string& text) {
  smpp::submit_sm s;
  s.source_addr_ton = 5;
  s.source_addr.assign("smppd");
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr.assign(destination);
  s.short_message.assign(text);
  return s;
}

smpp::pdu raw_client::submit(const std::string& destination, const std::string& text,
                             std::uint8_t registered_delivery) {
  auto s = make_submit(destination, text);
  s.registered_delivery = registered_delivery;
  const auto sequence = next_sequence();
  send(smpp::make_pdu(s, sequence));
  const auto resp = expect_response();
  EXPECT_EQ(resp.command_id(), smpp::command_id::submit_sm_resp);
  EXPECT_EQ(resp.sequence_number, sequence);
  return resp;
}

std::string utc_minute(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%y%m%d%H%M", &tm);
  return out;
}

bool utc_minute_between(const std::string& date, std::chrono::system_clock::time_point from,
                        std::chrono::system_clock::time_point to) {
  using namespace std::chrono_literals;
  for (auto t = from - 60s; t <= to + 60s; t += 30s) {
    if (utc_minute(t) == date) return true;
  }
  return false;
}

std::string message_id_of(const smpp::pdu& resp) {
  const auto* body = resp.get_if<smpp::submit_sm_resp>();
  return body ? std::string(body->message_id.view()) : std::string();
}

std::string receipted_id(const smpp::pdu& p) {
  const auto* body = p.get_if<smpp::deliver_sm>();
  if (!body) return {};
  const auto id = body->tlvs.get_string(smpp::tlv_tag::receipted_message_id);
  return id ? std::string(*id) : std::string();
}

std::string text_of(const smpp::pdu& p) {
  const auto* body = p.get_if<smpp::deliver_sm>();
  return body ? std::string(body->short_message.view()) : std::string();
}

std::string describe(const smpp::pdu& p) {
  const auto* d = p.get_if<smpp::deliver_sm>();
  if (!d) return "command_id " + std::to_string(static_cast<std::uint32_t>(p.command_id()));
  std::ostringstream out;
  out << "deliver_sm seq=" << p.sequence_number << " src=" << int{d->source_addr_ton} << "/"
      << int{d->source_addr_npi} << "/" << d->source_addr.view() << " dst=" << int{d->dest_addr_ton}
      << "/" << int{d->dest_addr_npi} << "/" << d->destination_addr.view()
      << " esm=" << int{d->esm_class} << " dcs=" << int{d->data_coding} << " text=\""
      << d->short_message.view() << "\" tlvs=" << test_support::to_hex(d->tlvs.wire_bytes());
  return out.str();
}

bool pump(raw_client& c, std::chrono::steady_clock::time_point deadline,
          std::vector<smpp::pdu>& seen, std::optional<smpp::command_status> ack,
          const std::function<bool()>& done) {
  for (;;) {
    if (done && done()) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    smpp::pdu p;
    const auto outcome = c.read(p, left);
    if (outcome == read_outcome::timeout) return true;
    if (outcome != read_outcome::pdu) return false;
    switch (p.command_id()) {
      case smpp::command_id::enquire_link:
        c.send(smpp::make_pdu(smpp::enquire_link_resp{}, p.sequence_number));
        break;
      case smpp::command_id::unbind:
        c.send(smpp::make_pdu(smpp::unbind_resp{}, p.sequence_number));
        break;
      case smpp::command_id::deliver_sm:
        if (ack) c.send(smpp::make_pdu(smpp::deliver_sm_resp{}, p.sequence_number, *ack));
        seen.push_back(std::move(p));
        break;
      default:
        ADD_FAILURE() << "unexpected PDU: " << describe(p);
        break;
    }
  }
}

std::set<std::string> ids_of(const std::vector<smpp::pdu>& delivers) {
  std::set<std::string> ids;
  for (const auto& p : delivers) ids.insert(receipted_id(p));
  return ids;
}

}  // namespace smppd::testing
