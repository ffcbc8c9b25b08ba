#pragma once
// Outgoing HTTP POSTs on one thread (`smppd-webhook`) driving a libcurl multi handle: many
// transfers at once without a thread each, so one slow or silent endpoint holds only its
// own transfers. The thread also keeps a timer queue, so the retry loop above it
// (webhook_sender) needs no thread of its own.

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace smppd::webhook {

struct post_result {
  bool ok = false;       // the endpoint answered 2xx
  long http_status = 0;  // 0 when no answer came
  std::string error;     // one line when !ok: "HTTP 500", "timeout after 15 s", ...
};

struct poster_settings {
  std::chrono::milliseconds timeout{15000};  // per request, connecting included
  std::chrono::milliseconds connect_timeout{5000};
  std::size_t max_concurrent = 256;  // transfers at once; the rest wait in FIFO order
};

class http_poster {
 public:
  using done_handler = std::function<void(post_result)>;

  explicit http_poster(poster_settings settings = {});
  // stop()
  ~http_poster();
  http_poster(const http_poster&) = delete;
  http_poster& operator=(const http_poster&) = delete;

  // POSTs `body` to `url` (http or https only; redirects are not followed) with `headers`
  // ("Name: value" each). Callable from any thread, the poster's own (a done handler)
  // included. `done` runs once, on the poster's thread, and must not throw. After stop()
  // the request is discarded and `done` never runs.
  void post(std::string url, std::string body, std::vector<std::string> headers, done_handler done);

  // Runs `task` on the poster's thread once `delay` has passed. Tasks still waiting at
  // stop() are discarded without running.
  void run_after(std::chrono::milliseconds delay, std::function<void()> task);

  // Aborts the transfers in flight and the queued ones (their done gets ok=false, error
  // "stopped", on the poster's thread), discards the timers, and joins the thread. No
  // handler runs once this returns. Idempotent; not from the poster's thread.
  void stop();

  // Transfers started and not finished; requests waiting for a free slot.
  std::size_t in_flight() const;
  std::size_t queued() const;

 private:
  struct request;
  struct transfer;
  using clock = std::chrono::steady_clock;

  void loop();
  void start_transfers();
  void start(std::unique_ptr<request> r);
  void finish_transfers();
  post_result result_of(const transfer& t, CURLcode code) const;
  void run_due_tasks();
  int wait_ms();
  void abort_all();

  const poster_settings settings_;
  CURLM* multi_ = nullptr;

  mutable std::mutex mutex_;  // guards the members down to thread_
  bool stopping_ = false;
  std::deque<std::unique_ptr<request>> waiting_;
  // Equal times keep their insertion order, so tasks due together run in FIFO order.
  std::multimap<clock::time_point, std::function<void()>> tasks_;

  // The poster's thread only (in_flight_ mirrors its size for other threads).
  std::unordered_map<CURL*, std::unique_ptr<transfer>> transfers_;
  std::atomic<std::size_t> in_flight_{0};

  std::thread thread_;
};

}  // namespace smppd::webhook
