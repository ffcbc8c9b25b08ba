#pragma once

#include <memory>

#include "config/config.hpp"
#include "store/account_store.hpp"
#include "store/message_store.hpp"

namespace smppd::cli {
// The account store named by [store] url; throws config_error for a backend not built in.
std::unique_ptr<store::account_store> open_account_store(const config::config& cfg);
// The message and receipt store named by [store] url, with the [dlr] receipt cap.
std::unique_ptr<store::message_store> open_message_store(const config::config& cfg);
}  // namespace smppd::cli
