#pragma once
// The async shell around session_core: one reader, one writer and one timer coroutine per
// connection, all on the connection's io_context thread (so nothing in a session needs a
// lock). The reader frames and decodes in place; everything the core writes goes out in
// batches by the writer.

#include <asio/ip/tcp.hpp>
#include <asio/ssl/stream.hpp>
#include <string>

#include "server/server_context.hpp"

namespace smppd::server {

void start_session(asio::ip::tcp::socket socket, server_context& context);
void start_tls_session(asio::ssl::stream<asio::ip::tcp::socket> stream, server_context& context);

}  // namespace smppd::server
