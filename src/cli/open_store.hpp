#pragma once

#include <memory>

#include "config/config.hpp"
#include "store/account_store.hpp"

namespace smppd::cli {
// The account store named by [store] url; throws config_error for a backend not built in.
std::unique_ptr<store::account_store> open_account_store(const config::config& cfg);
}  // namespace smppd::cli
