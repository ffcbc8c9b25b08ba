#pragma once

#include <memory>

#include "config/config.hpp"
#include "core/account_store.hpp"
#include "core/message_store.hpp"

namespace smppd::cli {
// The account store named by [store] url; throws config_error for a backend not built in.
std::unique_ptr<core::account_store> open_account_store(const config::config& cfg);
// The message and receipt store named by [store] url, with the [dlr] receipt cap.
std::unique_ptr<core::message_store> open_message_store(const config::config& cfg);
// `serve --memory-store`: nothing durable, for measuring the path without the disk.
std::unique_ptr<core::message_store> open_memory_message_store(const config::config& cfg);
}  // namespace smppd::cli
