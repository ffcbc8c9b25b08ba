#include "webhook/http_poster.hpp"

#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace smppd::webhook {

struct http_poster::request {
  std::string url;
  std::string body;
  std::vector<std::string> headers;
  done_handler done;
};

// One easy handle and what it points into: curl reads the body, the header list and
// writes the error text in place, so they live exactly as long as the handle.
struct http_poster::transfer {
  std::unique_ptr<request> req;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  transfer() = default;
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;
  ~transfer() {
    curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

namespace {

void init_curl_once() {
  // curl_global_init is not thread-safe on every build; the process never calls
  // curl_global_cleanup, which is harmless at exit.
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("cannot initialise libcurl");
  });
}

std::string spoken(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// Errors go into log lines: no line breaks from curl's text.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The answer's body is not needed; without a write callback curl would print it to stdout.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

http_poster::http_poster(poster_settings settings) : settings_(std::move(settings)) {
  init_curl_once();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("cannot create a libcurl multi handle");
  // Idle keep-alive connections worth keeping: one per transfer that may run at once.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(settings_.max_concurrent));
  thread_ = std::thread([this] { loop(); });
}

http_poster::~http_poster() {
  stop();
  curl_multi_cleanup(multi_);
}

void http_poster::post(std::string url, std::string body, std::vector<std::string> headers,
                       done_handler done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    waiting_.push_back(std::make_unique<request>(
        request{std::move(url), std::move(body), std::move(headers), std::move(done)}));
  }
  curl_multi_wakeup(multi_);
}

void http_poster::run_after(std::chrono::milliseconds delay, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    tasks_.emplace(clock::now() + delay, std::move(task));
  }
  curl_multi_wakeup(multi_);
}

void http_poster::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_);
  if (thread_.joinable()) thread_.join();
}

std::size_t http_poster::in_flight() const { return in_flight_.load(); }

std::size_t http_poster::queued() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

void http_poster::loop() {
  pthread_setname_np(pthread_self(), "smppd-webhook");
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    start_transfers();
    int running = 0;
    curl_multi_perform(multi_, &running);
    finish_transfers();
    run_due_tasks();
    // Returns early on socket activity, curl's own timers, or curl_multi_wakeup.
    curl_multi_poll(multi_, nullptr, 0, wait_ms(), nullptr);
  }
  abort_all();
}

void http_poster::start_transfers() {
  while (transfers_.size() < settings_.max_concurrent) {
    std::unique_ptr<request> next;
    {
      std::lock_guard lock(mutex_);
      if (waiting_.empty()) return;
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    start(std::move(next));
  }
}

void http_poster::start(std::unique_ptr<request> r) {
  auto t = std::make_unique<transfer>();
  t->req = std::move(r);
  t->easy = curl_easy_init();
  if (t->easy == nullptr) {
    t->req->done(post_result{false, 0, "cannot create a libcurl handle"});
    return;
  }
  for (const auto& h : t->req->headers) {
    curl_slist* more = curl_slist_append(t->headers, h.c_str());
    if (more == nullptr) {
      t->req->done(post_result{false, 0, "out of memory for the request headers"});
      return;
    }
    t->headers = more;
  }
  // An empty "Expect:" keeps curl from asking for 100-continue on bodies over 1 KiB,
  // which costs a round trip (or a second's wait on servers that ignore it).
  curl_slist* more = curl_slist_append(t->headers, "Expect:");
  if (more != nullptr) t->headers = more;

  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, t->req->url.c_str());
  // Webhook URLs come from accounts: nothing but HTTP(S), and no redirects elsewhere.
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->req->body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->req->body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings_.connect_timeout.count()));
  // Signals (SIGALRM for DNS timeouts, SIGPIPE) belong to the process, not to a library
  // running on one of its threads.
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "smppd-webhook");

  if (curl_multi_add_handle(multi_, e) != CURLM_OK) {
    t->req->done(post_result{false, 0, "cannot start the transfer"});
    return;
  }
  transfers_.emplace(e, std::move(t));
  in_flight_.store(transfers_.size());
}

void http_poster::finish_transfers() {
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    // The message dies with curl_multi_remove_handle: copy what it says first.
    CURL* easy = m->easy_handle;
    const CURLcode code = m->data.result;
    auto found = transfers_.find(easy);
    if (found == transfers_.end()) continue;
    std::unique_ptr<transfer> t = std::move(found->second);
    transfers_.erase(found);
    in_flight_.store(transfers_.size());
    curl_multi_remove_handle(multi_, easy);
    post_result result = result_of(*t, code);
    t->req->done(std::move(result));
  }
}

post_result http_poster::result_of(const transfer& t, CURLcode code) const {
  post_result r;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.http_status);
  if (code == CURLE_OK) {
    r.ok = r.http_status >= 200 && r.http_status < 300;
    if (!r.ok) r.error = "HTTP " + std::to_string(r.http_status);
    return r;
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected_after = 0;
      curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connected_after);
      if (connected_after == 0) {
        r.error = "connect timeout after " +
                  spoken(std::min(settings_.connect_timeout, settings_.timeout));
      } else {
        r.error = "timeout after " + spoken(settings_.timeout);
      }
      break;
    }
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
      r.error = os_errno == ECONNREFUSED
                    ? "connection refused"
                    : "cannot connect: " + std::string(std::strerror(static_cast<int>(os_errno)));
      break;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      r.error = "cannot resolve host";
      break;
    default:
      r.error = one_line(t.error[0] != '\0' ? std::string(t.error) : curl_easy_strerror(code));
  }
  return r;
}

void http_poster::run_due_tasks() {
  for (;;) {
    std::function<void()> task;
    {
      std::lock_guard lock(mutex_);
      if (tasks_.empty() || tasks_.begin()->first > clock::now()) return;
      task = std::move(tasks_.begin()->second);
      tasks_.erase(tasks_.begin());
    }
    task();
  }
}

int http_poster::wait_ms() {
  // A ceiling on the wait only guards against a missed wake-up; nothing relies on it.
  constexpr auto longest = std::chrono::milliseconds(1000);
  std::lock_guard lock(mutex_);
  if (stopping_) return 0;
  if (!waiting_.empty() && transfers_.size() < settings_.max_concurrent) return 0;
  if (tasks_.empty()) return static_cast<int>(longest.count());
  const auto until_due = tasks_.begin()->first - clock::now();
  if (until_due <= clock::duration::zero()) return 0;
  // Rounded up, so the loop does not wake just before the task is due and spin.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until_due);
  return static_cast<int>(std::min(ms, longest).count());
}

void http_poster::abort_all() {
  std::deque<std::unique_ptr<request>> queued_requests;
  std::multimap<clock::time_point, std::function<void()>> discarded_tasks;
  {
    std::lock_guard lock(mutex_);
    queued_requests.swap(waiting_);
    discarded_tasks.swap(tasks_);
  }
  auto in_flight = std::move(transfers_);
  transfers_.clear();
  in_flight_.store(0);
  for (auto& [easy, t] : in_flight) {
    curl_multi_remove_handle(multi_, easy);
    t->req->done(post_result{false, 0, "stopped"});
  }
  for (auto& r : queued_requests) r->done(post_result{false, 0, "stopped"});
}

}  // namespace smppd::webhook
