#include "support/responder.hpp"

#include <charconv>
#include <chrono>
#include <cstring>

#include "dlr/receipt.hpp"
#include "smpp/codec.hpp"

namespace smppd::test_support {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void header(std::vector<std::uint8_t>& out, std::uint32_t len, std::uint32_t id,
            std::uint32_t status, std::uint32_t seq) {
  put32(out, len);
  put32(out, id);
  put32(out, status);
  put32(out, seq);
}

void append_receipt(std::vector<std::uint8_t>& out, const smpp::submit_sm& sm,
                    const std::string& id, std::uint32_t seq) {
  smpp::deliver_sm d;
  d.source_addr_ton = sm.dest_addr_ton;
  d.source_addr_npi = sm.dest_addr_npi;
  d.source_addr.assign(sm.destination_addr.view());
  d.dest_addr_ton = sm.source_addr_ton;
  d.dest_addr_npi = sm.source_addr_npi;
  d.destination_addr.assign(sm.source_addr.view());
  d.esm_class = 0x04;
  const auto t = std::chrono::system_clock::now();
  d.short_message.assign(
      dlr::format(dlr::make_receipt(id, t, t, dlr::receipt_status::delivrd, 0, "")));
  d.tlvs.set_string(smpp::tlv_tag::receipted_message_id, id);
  d.tlvs.set_u8(smpp::tlv_tag::message_state, dlr::message_state(dlr::receipt_status::delivrd));
  smpp::encode(smpp::make_pdu(std::move(d), seq), out);
}

}  // namespace

responder::responder(asio::io_context& io, const std::string& host, std::uint16_t port,
                     responder_options options)
    : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address(host), port)),
      options_(options) {}

void responder::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()), asio::detached);
}

void responder::stop() {
  std::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : sockets_) {
    if (auto s = weak.lock()) s->close(ignored);
  }
}

asio::awaitable<void> responder::accept_loop(std::shared_ptr<responder> self) {
  for (;;) {
    std::error_code ec;
    auto socket =
        co_await self->acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    ++self->stats_.connections;
    auto shared = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
    self->sockets_.push_back(shared);
    asio::co_spawn(self->acceptor_.get_executor(), serve(self, shared), asio::detached);
  }
}

asio::awaitable<void> responder::serve(std::shared_ptr<responder> self,
                                       std::shared_ptr<asio::ip::tcp::socket> socket) {
  const auto& o = self->options_;
  std::vector<std::uint8_t> buf(256 * 1024);
  std::vector<std::uint8_t> out;
  out.reserve(256 * 1024);
  std::size_t have = 0;
  std::uint32_t own_seq = 0x40000000;  // our requests (receipts), apart from the client's
  std::uint32_t submits = 0;
  bool closing = false;
  while (!closing) {
    std::error_code ec;
    const std::size_t n =
        co_await socket->async_read_some(asio::buffer(buf.data() + have, buf.size() - have),
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    have += n;
    std::size_t pos = 0;
    while (have - pos >= 16) {
      const std::uint8_t* p = buf.data() + pos;
      const std::uint32_t len = be32(p);
      if (len < 16 || len > buf.size()) {
        closing = true;
        break;
      }
      if (have - pos < len) break;
      const std::uint32_t id = be32(p + 4);
      const std::uint32_t seq = be32(p + 12);
      pos += len;
      if (o.behaviour == responder_options::mode::silent) continue;
      switch (id) {
        case 0x00000001:
        case 0x00000002:
        case 0x00000009: {  // bind_*
          ++self->stats_.binds;
          const auto status = static_cast<std::uint32_t>(o.bind_status);
          if (status != 0) {
            header(out, 16, id | 0x80000000u, status, seq);
            closing = true;
          } else {
            static constexpr char name[] = "responder";
            header(out, 16 + sizeof name, id | 0x80000000u, 0, seq);
            out.insert(out.end(), name, name + sizeof name);
            if (o.enquire_link_after_bind) header(out, 16, 0x00000015, 0, ++own_seq);
          }
          break;
        }
        case 0x00000004: {  // submit_sm
          ++self->stats_.submits;
          ++submits;
          if (o.behaviour == responder_options::mode::binds_only) break;
          const std::uint64_t mid = self->next_id_.fetch_add(1, std::memory_order_relaxed);
          char digits[24];
          const auto r = std::to_chars(digits, digits + sizeof digits, mid);
          const auto dlen = static_cast<std::uint32_t>(r.ptr - digits);
          header(out, 16 + dlen + 1, 0x80000004u, 0, seq);
          out.insert(out.end(), digits, r.ptr);
          out.push_back(0);
          if (o.receipts) {
            auto decoded = smpp::decode(std::span<const std::uint8_t>(p, len));
            if (decoded) {
              if (const auto* sm = decoded->get_if<smpp::submit_sm>();
                  sm && (sm->registered_delivery & 1)) {
                append_receipt(out, *sm, std::string(digits, r.ptr), ++own_seq);
                ++self->stats_.receipts_sent;
              }
            }
          }
          if (o.unbind_after_submits != 0 && submits == o.unbind_after_submits) {
            header(out, 16, 0x00000006, 0, ++own_seq);
          }
          break;
        }
        case 0x00000015:  // enquire_link
          ++self->stats_.enquire_links;
          header(out, 16, 0x80000015u, 0, seq);
          break;
        case 0x80000015u:
          ++self->stats_.enquire_link_resps;
          break;
        case 0x00000006:  // unbind
          ++self->stats_.unbinds;
          header(out, 16, 0x80000006u, 0, seq);
          closing = true;
          break;
        case 0x80000006u:  // our unbind answered
          ++self->stats_.unbind_resps;
          closing = true;
          break;
        case 0x80000005u:
          ++self->stats_.deliver_sm_resps;
          break;
        default:
          if ((id & 0x80000000u) == 0) header(out, 16, 0x80000000u, 0x00000003, seq);
          break;
      }
    }
    if (pos != 0 && pos < have) std::memmove(buf.data(), buf.data() + pos, have - pos);
    have -= pos;
    if (!out.empty()) {
      co_await asio::async_write(*socket, asio::buffer(out),
                                 asio::redirect_error(asio::use_awaitable, ec));
      out.clear();
      if (ec) break;
    }
  }
  std::error_code ignored;
  socket->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket->close(ignored);
}

}  // namespace smppd::test_support
