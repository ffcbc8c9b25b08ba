#pragma once
// Why a client operation failed, when it is neither an Asio error nor a command_status from
// the server (those keep their own categories).

#include <system_error>

namespace smppd::client {

enum class errc {
  timeout = 1,        // no response (or connection, handshake) within the time allowed
  connection_closed,  // the connection ended while the request was in flight
  closed_locally,     // close() or unbind() by this side
  unbound_by_peer,    // the server sent unbind
  not_bound,          // the session is not (or no longer) bound
  protocol_error,     // the server sent bytes that do not frame or a bad bind_resp
  no_servers,         // an empty host list
};

const std::error_category& client_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

}  // namespace smppd::client

template <>
struct std::is_error_code_enum<smppd::client::errc> : std::true_type {};
