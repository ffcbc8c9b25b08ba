#pragma once
// A local HTTP/1.1 endpoint for the webhook tests: one thread polling a listening socket on
// 127.0.0.1 (port 0) and its connections, parsing just what curl sends for a POST with a
// Content-Length. It records each request and answers as scripted: a status, optionally
// after a stall (an answer that comes too late for the client's timeout).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace smppd::webhook::testing {

struct answer {
  int status = 200;
  std::chrono::milliseconds stall{0};  // wait this long before answering
};

struct received_request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::chrono::steady_clock::time_point at;  // when it was complete
};

class http_receiver {
 public:
  http_receiver();
  ~http_receiver();
  http_receiver(const http_receiver&) = delete;
  http_receiver& operator=(const http_receiver&) = delete;

  std::string url(const std::string& path = "/hook") const;

  // Answers for the coming requests, in order; once they are used up, `otherwise`.
  void answer_next(std::vector<answer> answers);
  void answer_otherwise(answer a);

  std::vector<received_request> requests() const;
  std::size_t request_count() const;
  std::size_t connections_accepted() const;

 private:
  struct connection;

  void loop();
  void accept_all();
  bool read_from(connection& c);
  void parse_requests(connection& c);
  bool write_to(connection& c);
  answer next_answer();

  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;

  mutable std::mutex mutex_;
  std::deque<answer> scripted_;
  answer otherwise_;
  std::vector<received_request> requests_;
  std::size_t accepted_ = 0;

  std::map<int, connection> connections_;  // the receiver's thread only
  std::thread thread_;
};

}  // namespace smppd::webhook::testing
