#pragma once
// A trivial SMPP responder: the far end for proving that the load tool is not the
// bottleneck, and the in-process server of the client tests. It answers bind_* with OK,
// submit_sm with a counter message id, enquire_link and unbind; optionally it sends a
// DELIVRD receipt for registered_delivery 1, or stays silent to test timeouts. Raw header
// parsing, one read -> one write per batch, no allocation per PDU except for receipts.

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smpp/command_status.hpp"

namespace smppd::test_support {

struct responder_options {
  enum class mode : std::uint8_t {
    normal,     // answer everything
    silent,     // read, never write (not even bind_resp)
    binds_only  // answer binds, enquire_link and unbind, never submit_sm
  };
  mode behaviour = mode::normal;
  bool receipts = false;                   // DELIVRD receipt when registered_delivery & 1
  std::uint32_t unbind_after_submits = 0;  // send unbind after this many submits (0: never)
  bool enquire_link_after_bind = false;    // probe the client once after its bind
  smpp::command_status bind_status = smpp::command_status::esme_rok;
};

struct responder_stats {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> binds{0};
  std::atomic<std::uint64_t> submits{0};
  std::atomic<std::uint64_t> receipts_sent{0};
  std::atomic<std::uint64_t> deliver_sm_resps{0};
  std::atomic<std::uint64_t> enquire_links{0};
  std::atomic<std::uint64_t> enquire_link_resps{0};
  std::atomic<std::uint64_t> unbinds{0};
  std::atomic<std::uint64_t> unbind_resps{0};
};

class responder : public std::enable_shared_from_this<responder> {
 public:
  static std::shared_ptr<responder> create(asio::io_context& io, const std::string& host,
                                           std::uint16_t port, responder_options options = {}) {
    return std::shared_ptr<responder>(new responder(io, host, port, options));
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  responder_stats& stats() { return stats_; }

  void start();
  // Closes the acceptor and every connection. Not while the io_context runs on another
  // thread (the sockets are that thread's): stop the io_context first, or post this.
  void stop();

 private:
  responder(asio::io_context& io, const std::string& host, std::uint16_t port,
            responder_options options);

  static asio::awaitable<void> accept_loop(std::shared_ptr<responder> self);
  static asio::awaitable<void> serve(std::shared_ptr<responder> self,
                                     std::shared_ptr<asio::ip::tcp::socket> socket);

  asio::ip::tcp::acceptor acceptor_;
  responder_options options_;
  responder_stats stats_;
  std::atomic<std::uint64_t> next_id_{1};
  std::vector<std::weak_ptr<asio::ip::tcp::socket>> sockets_;
};

}  // namespace smppd::test_support
