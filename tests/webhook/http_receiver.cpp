#include "http_receiver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>
#include <stdexcept>

namespace smppd::webhook::testing {

using steady = std::chrono::steady_clock;

struct http_receiver::connection {
  int fd = -1;
  std::string in;
  std::string out;
  // An answer held back by a stall: no further request on this connection is read until
  // it is sent, as HTTP/1.1 answers in order.
  std::optional<steady::time_point> held_until;
  std::string held;
};

namespace {

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string response_for(int status) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " Scripted\r\n";
  if (status >= 300 && status < 400) r += "Location: http://127.0.0.1:1/elsewhere\r\n";
  return r + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
}

}  // namespace

http_receiver::http_receiver() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0 || pipe(wake_pipe_) != 0) throw std::runtime_error("socket/pipe failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t size = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 1024) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  set_nonblocking(listen_fd_);
  thread_ = std::thread([this] { loop(); });
}

http_receiver::~http_receiver() {
  const char stop = 's';
  (void)!write(wake_pipe_[1], &stop, 1);
  thread_.join();
  for (auto& [fd, c] : connections_) close(fd);
  close(listen_fd_);
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
}

std::string http_receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void http_receiver::answer_next(std::vector<answer> answers) {
  std::lock_guard lock(mutex_);
  scripted_.insert(scripted_.end(), answers.begin(), answers.end());
}

void http_receiver::answer_otherwise(answer a) {
  std::lock_guard lock(mutex_);
  otherwise_ = a;
}

std::vector<received_request> http_receiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t http_receiver::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t http_receiver::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

answer http_receiver::next_answer() {
  std::lock_guard lock(mutex_);
  if (scripted_.empty()) return otherwise_;
  const answer a = scripted_.front();
  scripted_.pop_front();
  return a;
}

void http_receiver::loop() {
  for (;;) {
    std::vector<pollfd> fds{{wake_pipe_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    int timeout_ms = -1;
    const auto now = steady::now();
    for (auto& [fd, c] : connections_) {
      if (c.held_until && *c.held_until <= now) {
        c.out += c.held;
        c.held.clear();
        c.held_until.reset();
        parse_requests(c);  // requests that arrived behind the held one
      }
      if (c.held_until) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*c.held_until - now);
        const int ms = static_cast<int>(left.count());
        timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
      }
      fds.push_back({fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
    }
    if (poll(fds.data(), fds.size(), timeout_ms) < 0) continue;
    if (fds[0].revents != 0) return;
    if (fds[1].revents != 0) accept_all();
    for (std::size_t i = 2; i < fds.size(); ++i) {
      auto found = connections_.find(fds[i].fd);
      if (found == connections_.end()) continue;
      connection& c = found->second;
      bool open = true;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) open = read_from(c);
      if (open && (fds[i].revents & POLLOUT)) open = write_to(c);
      if (!open) {
        close(c.fd);
        connections_.erase(found);
      }
    }
  }
}

void http_receiver::accept_all() {
  for (;;) {
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    set_nonblocking(fd);
    connections_[fd].fd = fd;
    std::lock_guard lock(mutex_);
    ++accepted_;
  }
}

bool http_receiver::read_from(connection& c) {
  char buffer[16384];
  const ssize_t n = recv(c.fd, buffer, sizeof buffer, 0);
  if (n <= 0) return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  c.in.append(buffer, static_cast<std::size_t>(n));
  parse_requests(c);
  return true;
}

void http_receiver::parse_requests(connection& c) {
  while (!c.held_until) {
    const auto head_end = c.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return;
    received_request r;
    std::size_t line_start = 0;
    std::size_t content_length = 0;
    bool first = true;
    while (line_start < head_end) {
      auto line_end = c.in.find("\r\n", line_start);
      const std::string line = c.in.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      if (first) {
        first = false;
        const auto space1 = line.find(' ');
        const auto space2 = line.find(' ', space1 + 1);
        r.method = line.substr(0, space1);
        r.path = line.substr(space1 + 1, space2 - space1 - 1);
        continue;
      }
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string name = lower(line.substr(0, colon));
      r.headers[name] = trimmed(line.substr(colon + 1));
      if (name == "content-length") content_length = std::stoul(r.headers[name]);
    }
    const std::size_t body_start = head_end + 4;
    if (c.in.size() < body_start + content_length) return;
    r.body = c.in.substr(body_start, content_length);
    c.in.erase(0, body_start + content_length);
    r.at = steady::now();
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(r));
    }
    const answer a = next_answer();
    if (a.stall.count() > 0) {
      c.held = response_for(a.status);
      c.held_until = steady::now() + a.stall;
    } else {
      c.out += response_for(a.status);
    }
  }
}

bool http_receiver::write_to(connection& c) {
  const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  c.out.erase(0, static_cast<std::size_t>(n));
  return true;
}

}  // namespace smppd::webhook::testing
