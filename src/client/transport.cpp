#include "client/transport.hpp"

#include <openssl/ssl.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>
#include <charconv>

#include "client/errc.hpp"

namespace smppd::client {
namespace {

using asio::ip::tcp;
using io_result = std::pair<std::error_code, std::size_t>;

class tcp_transport final : public transport {
 public:
  explicit tcp_transport(tcp::socket socket) : socket_(std::move(socket)) {}

  asio::awaitable<io_result> read_some(asio::mutable_buffer buffer) override {
    std::error_code ec;
    const std::size_t n =
        co_await socket_.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
    co_return io_result{ec, n};
  }
  asio::awaitable<io_result> write(asio::const_buffer buffer) override {
    std::error_code ec;
    const std::size_t n =
        co_await asio::async_write(socket_, buffer, asio::redirect_error(asio::use_awaitable, ec));
    co_return io_result{ec, n};
  }
  void close() noexcept override {
    std::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  std::string remote() const override {
    std::error_code ec;
    const auto ep = socket_.remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

 private:
  tcp::socket socket_;
};

class tls_transport final : public transport {
 public:
  tls_transport(std::unique_ptr<asio::ssl::context> context, tcp::socket socket)
      : context_(std::move(context)), stream_(std::move(socket), *context_) {}

  asio::ssl::stream<tcp::socket>& stream() { return stream_; }

  asio::awaitable<io_result> read_some(asio::mutable_buffer buffer) override {
    std::error_code ec;
    const std::size_t n =
        co_await stream_.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
    co_return io_result{ec, n};
  }
  asio::awaitable<io_result> write(asio::const_buffer buffer) override {
    std::error_code ec;
    const std::size_t n =
        co_await asio::async_write(stream_, buffer, asio::redirect_error(asio::use_awaitable, ec));
    co_return io_result{ec, n};
  }
  void close() noexcept override {
    std::error_code ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
  }
  std::string remote() const override {
    std::error_code ec;
    const auto ep = stream_.lowest_layer().remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

 private:
  std::unique_ptr<asio::ssl::context> context_;  // outlives the stream that uses it
  asio::ssl::stream<tcp::socket> stream_;
};

using connect_outcome = std::pair<std::error_code, std::unique_ptr<transport>>;

asio::awaitable<connect_outcome> attempt(asio::any_io_executor executor, endpoint server,
                                         tls_options tls) {
  std::error_code ec;
  tcp::resolver resolver(executor);
  const auto results = co_await resolver.async_resolve(
      server.host, std::to_string(server.port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return connect_outcome{ec, nullptr};
  tcp::socket socket(executor);
  co_await asio::async_connect(socket, results, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return connect_outcome{ec, nullptr};
  socket.set_option(tcp::no_delay(true), ec);
  if (!tls.enabled) {
    co_return connect_outcome{std::error_code{},
                              std::make_unique<tcp_transport>(std::move(socket))};
  }

  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  if (tls.verify) {
    if (tls.ca_file.empty()) {
      context->set_default_verify_paths(ec);
    } else {
      context->load_verify_file(tls.ca_file, ec);
    }
    if (ec) co_return connect_outcome{ec, nullptr};
    context->set_verify_mode(asio::ssl::verify_peer);
  } else {
    context->set_verify_mode(asio::ssl::verify_none);
  }
  auto t = std::make_unique<tls_transport>(std::move(context), std::move(socket));
  if (tls.verify) t->stream().set_verify_callback(asio::ssl::host_name_verification(server.host));
  // SNI, so a server with several names picks the right certificate.
  SSL_set_tlsext_host_name(t->stream().native_handle(), server.host.c_str());
  co_await t->stream().async_handshake(asio::ssl::stream_base::client,
                                       asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return connect_outcome{ec, nullptr};
  co_return connect_outcome{std::error_code{}, std::unique_ptr<transport>(std::move(t))};
}

}  // namespace

std::optional<endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return std::nullopt;
  }
  return endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string to_string(const endpoint& e) {
  if (e.host.find(':') != std::string::npos) return "[" + e.host + "]:" + std::to_string(e.port);
  return e.host + ":" + std::to_string(e.port);
}

asio::awaitable<connect_outcome> connect_transport(asio::any_io_executor executor, endpoint server,
                                                   tls_options tls,
                                                   std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(executor, timeout);
  auto outcome =
      co_await (attempt(executor, std::move(server), tls) || timer.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) co_return connect_outcome{make_error_code(errc::timeout), nullptr};
  co_return std::get<0>(std::move(outcome));
}

}  // namespace smppd::client
