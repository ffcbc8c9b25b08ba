#include "http/http_server.hpp"

#include <restinio/all.hpp>
#include <restinio/tls.hpp>
#include <restinio/utils/base64.hpp>
#include <thread>
#include <vector>

#include "http/admin_api.hpp"
#include "http/dashboard_files.hpp"
#include "http/rest_api.hpp"
#include "rest/sms_request.hpp"

namespace smppd::http {
namespace {

using router_t = restinio::router::express_router_t<>;

// Strands: a connection's handlers run on one thread at a time, on any of ours.
struct plain_traits
    : restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, router_t> {
  static constexpr bool use_connection_count_limiter = true;
};
struct tls_traits
    : restinio::tls_traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, router_t> {
  static constexpr bool use_connection_count_limiter = true;
};

// RESTinio closes a connection whose body is larger than this without an answer; bodies up
// to it get a 413 from rest_api beyond max_body_bytes. The gap keeps "too large" a clear
// answer for the sizes a mistaken client sends.
constexpr std::size_t hard_body_limit = 4 * max_body_bytes;

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

// Requests by route and status, counted without a lock: a fixed table of atomics.
enum class route : std::uint8_t {
  send,
  status,
  remove,
  healthz,
  readyz,
  metrics,
  admin,
  dashboard,
  other
};
constexpr const char* route_names[] = {"mtsms_send", "mtsms_status", "mtsms_delete",
                                       "healthz",    "readyz",       "metrics",
                                       "admin",      "dashboard",    "other"};
constexpr int counted_statuses[] = {200, 201, 204, 400, 401, 404, 405,
                                    409, 410, 413, 422, 429, 500, 503};
constexpr std::size_t route_count_ = std::size(route_names);
constexpr std::size_t status_count_ = std::size(counted_statuses) + 1;  // + any other

class request_counts {
 public:
  void add(route r, int status) {
    std::size_t column = std::size(counted_statuses);
    for (std::size_t i = 0; i < std::size(counted_statuses); ++i) {
      if (counted_statuses[i] == status) column = i;
    }
    counts_[static_cast<std::size_t>(r) * status_count_ + column].fetch_add(
        1, std::memory_order_relaxed);
  }
  std::vector<route_count> read() const {
    std::vector<route_count> out;
    for (std::size_t r = 0; r < route_count_; ++r) {
      for (std::size_t c = 0; c < status_count_; ++c) {
        const auto n = counts_[r * status_count_ + c].load(std::memory_order_relaxed);
        if (n == 0) continue;
        out.push_back(
            {route_names[r], c < std::size(counted_statuses) ? counted_statuses[c] : 0, n});
      }
    }
    return out;
  }

 private:
  std::array<std::atomic<std::uint64_t>, route_count_ * status_count_> counts_{};
};

// A 401 names the scheme the route takes; the admin API's Bearer also keeps a browser from
// asking for a user name and password when the dashboard's token is wrong.
void respond(const restinio::request_handle_t& req, const http_reply& r,
             const char* challenge = "Basic realm=\"smppd\"") {
  auto response = req->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(r.status)}, reason(r.status)});
  if (r.status == 401) response.append_header("WWW-Authenticate", challenge);
  if (!r.body.empty()) {
    response.append_header(restinio::http_field::content_type, "application/json");
    response.set_body(r.body);
  }
  response.done();
}

// The API token: HTTP Basic's user name (password empty), or ?token=.
std::string token_of(const restinio::request_handle_t& req, query_fields& query) {
  for (auto it = query.begin(); it != query.end(); ++it) {
    if (it->first == "token") {
      std::string token = std::move(it->second);
      query.erase(it);
      return token;
    }
  }
  const auto auth = req->header().opt_value_of(restinio::http_field::authorization);
  if (!auth) return {};
  const std::string_view value(auth->data(), auth->size());
  if (value.size() < 6 || !(value.substr(0, 6) == "Basic " || value.substr(0, 6) == "basic "))
    return {};
  const auto decoded = restinio::utils::base64::try_decode(value.substr(6));
  if (!decoded) return {};
  const auto colon = decoded->find(':');
  return decoded->substr(0, colon);
}

query_fields query_of(const restinio::request_handle_t& req) {
  const auto q = req->header().query();
  auto fields = rest::parse_urlencoded(std::string_view(q.data(), q.size()));
  return fields ? std::move(*fields) : query_fields{};
}

std::unique_ptr<router_t> make_router(rest_api& api, const operations_hooks& ops,
                                      request_counts& counts) {
  auto router = std::make_unique<router_t>();
  // Answers and counts: a reply may come from another thread, after the handler returned.
  auto answer = [&counts](route r) {
    return [&counts, r](const restinio::request_handle_t& req, const http_reply& reply) {
      counts.add(r, reply.status);
      respond(req, reply, r == route::admin ? "Bearer realm=\"smppd\"" : "Basic realm=\"smppd\"");
    };
  };
  auto send = [&api, done = answer(route::send)](const restinio::request_handle_t& req, auto) {
    auto query = query_of(req);
    const auto token = token_of(req, query);
    const auto type = req->header().opt_value_of(restinio::http_field::content_type);
    const std::string_view content_type =
        type ? std::string_view(type->data(), type->size()) : std::string_view{};
    api.send(token, content_type, std::string_view(req->body().data(), req->body().size()),
             std::move(query), [req, done](http_reply r) { done(req, r); });
    return restinio::request_accepted();
  };
  router->http_post("/rest/mtsms", send);
  router->http_get("/rest/mtsms", send);
  router->http_get(R"(/rest/mtsms/:id)",
                   [&api](const restinio::request_handle_t& req, auto params) {
                     auto query = query_of(req);
                     const auto token = token_of(req, query);
                     const auto id = params["id"];
                     respond(req, api.status(token, std::string_view(id.data(), id.size())));
                     return restinio::request_accepted();
                   });
  router->http_delete(R"(/rest/mtsms/:id)",
                      [&api](const restinio::request_handle_t& req, auto params) {
                        auto query = query_of(req);
                        const auto token = token_of(req, query);
                        const auto id = params["id"];
                        api.remove(token, std::string_view(id.data(), id.size()),
                                   [req](http_reply r) { respond(req, r); });
                        return restinio::request_accepted();
                      });
  router->http_get("/healthz",
                   [done = answer(route::healthz)](const restinio::request_handle_t& req, auto) {
                     done(req, {200, R"({"status":"ok"})"});
                     return restinio::request_accepted();
                   });
  router->http_get("/readyz", [&ops, &counts](const restinio::request_handle_t& req, auto) {
    const bool ready = !ops.ready || ops.ready();
    counts.add(route::readyz, ready ? 200 : 503);
    respond(req, ready ? http_reply{200, R"({"status":"ready"})"}
                       : http_reply{503, R"({"status":"not ready"})"});
    return restinio::request_accepted();
  });
  router->http_get("/metrics", [&ops, &counts](const restinio::request_handle_t& req, auto) {
    counts.add(route::metrics, 200);
    req->create_response()
        .append_header(restinio::http_field::content_type, "text/plain; version=0.0.4")
        .set_body(ops.metrics ? ops.metrics() : std::string())
        .done();
    return restinio::request_accepted();
  });
  // The dashboard: static files compiled in, always revalidated so an upgrade shows at once.
  auto dashboard = [&api, &counts, missing = answer(route::other)](
                       const restinio::request_handle_t& req, auto) {
    const auto path = req->header().path();
    const auto file = find_dashboard_file(std::string_view(path.data(), path.size()));
    if (!file) {
      missing(req, api.error({404, "0x0404", "no such resource", {}}));
      return restinio::request_accepted();
    }
    counts.add(route::dashboard, 200);
    req->create_response()
        .append_header(restinio::http_field::content_type, std::string(file->content_type))
        .append_header(restinio::http_field::cache_control, "no-cache")
        .set_body(std::string(file->body))
        .done();
    return restinio::request_accepted();
  };
  router->http_get("/", dashboard);
  router->http_get(R"(/dashboard/:file)", dashboard);
  // The admin API routes itself (admin_api::handle); everything else unknown is a 404.
  router->non_matched_request_handler(
      [&api, &ops, admin = answer(route::admin),
       done = answer(route::other)](const restinio::request_handle_t& req) {
        constexpr std::string_view prefix = "/api/admin";
        const auto path = req->header().path();
        const std::string_view target(path.data(), path.size());
        if (ops.admin && target.starts_with(prefix) &&
            (target.size() == prefix.size() || target[prefix.size()] == '/')) {
          const auto auth = req->header().opt_value_of(restinio::http_field::authorization);
          admin(req, ops.admin->handle(
                         req->header().method().c_str(), target.substr(prefix.size()),
                         auth ? std::string_view(auth->data(), auth->size()) : std::string_view{},
                         std::string_view(req->body().data(), req->body().size())));
          return restinio::request_accepted();
        }
        done(req, api.error({404, "0x0404", "no such resource", {}}));
        return restinio::request_accepted();
      });
  return router;
}

template <class Traits>
auto base_settings(const http_settings& s, rest_api& api, const operations_hooks& ops,
                   request_counts& counts, std::string& bound) {
  restinio::server_settings_t<Traits> out;
  out.address(s.listen.host)
      .port(s.listen.port)
      .request_handler(make_router(api, ops, counts))
      .read_next_http_message_timelimit(s.read_timeout)
      .handle_request_timeout(s.handle_timeout)
      .write_http_response_timelimit(s.write_timeout)
      .max_parallel_connections(s.max_connections)
      .incoming_http_msg_limits(
          restinio::incoming_http_msg_limits_t{}.max_body_size(hard_body_limit))
      .acceptor_post_bind_hook([&bound](asio::ip::tcp::acceptor& acceptor) {
        const auto ep = acceptor.local_endpoint();
        bound = ep.address().to_string() + ":" + std::to_string(ep.port());
      });
  return out;
}

// RESTinio counts connections in its acceptor, and a connection still idle at shutdown
// (its handler queued in the io_context) tells that count when destroyed: so the io_context's
// queued handlers are destroyed (shutdown) while the server and its acceptor still exist.
struct shutdown_io_context : asio::io_context {
  using asio::io_context::shutdown;
};

}  // namespace

struct http_server::impl {
  http_settings settings;
  rest_api& api;
  operations_hooks operations;
  std::shared_ptr<spdlog::logger> log;
  request_counts counts;
  shutdown_io_context io;
  std::unique_ptr<restinio::http_server_t<plain_traits>> plain;
  std::unique_ptr<restinio::http_server_t<tls_traits>> tls;
  std::vector<std::thread> threads;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  impl(http_settings s, rest_api& a, operations_hooks o, std::shared_ptr<spdlog::logger> l)
      : settings(std::move(s)), api(a), operations(std::move(o)), log(std::move(l)) {}
};

http_server::http_server(http_settings settings, rest_api& api, operations_hooks operations,
                         std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<impl>(std::move(settings), api, std::move(operations),
                                   std::move(log))) {}

std::vector<route_count> http_server::requests() const { return impl_->counts.read(); }

http_server::~http_server() {
  stop();
  impl_->io.shutdown();  // what was posted since stop(), e.g. answers of late commits
}

std::string http_server::start() {
  auto& m = *impl_;
  std::string bound;
  const bool https = !m.settings.tls_cert.empty();
  try {
    if (https) {
      asio::ssl::context context(asio::ssl::context::tls_server);
      context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                          asio::ssl::context::no_tlsv1_1);
      context.use_certificate_chain_file(m.settings.tls_cert.string());
      context.use_private_key_file(m.settings.tls_key.string(), asio::ssl::context::pem);
      auto s = base_settings<tls_traits>(m.settings, m.api, m.operations, m.counts, bound);
      s.tls_context(std::move(context));
      m.tls = std::make_unique<restinio::http_server_t<tls_traits>>(
          restinio::external_io_context(m.io), std::move(s));
    } else {
      m.plain = std::make_unique<restinio::http_server_t<plain_traits>>(
          restinio::external_io_context(m.io),
          base_settings<plain_traits>(m.settings, m.api, m.operations, m.counts, bound));
    }
  } catch (const std::exception& e) {
    throw config::config_error(std::string("http.tls_cert/http.tls_key: ") + e.what());
  }
  m.work.emplace(m.io.get_executor());
  for (unsigned i = 0; i < std::max(1u, m.settings.threads); ++i) {
    m.threads.emplace_back([&m] {
      pthread_setname_np(pthread_self(), "smppd-http");
      m.io.run();
    });
  }
  try {
    if (m.tls)
      m.tls->open_sync();
    else
      m.plain->open_sync();
  } catch (const std::exception& e) {
    stop();
    throw config::config_error("http.listen: cannot listen on " + m.settings.listen.host + ":" +
                               std::to_string(m.settings.listen.port) + ": " + e.what());
  }
  return bound;
}

void http_server::stop() {
  auto& m = *impl_;
  if (m.threads.empty()) return;
  try {
    if (m.tls) m.tls->close_sync();
    if (m.plain) m.plain->close_sync();
  } catch (const std::exception& e) {
    m.log->warn("http: closing: {}", e.what());
  }
  m.work.reset();
  m.io.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
  m.io.shutdown();
}

}  // namespace smppd::http
