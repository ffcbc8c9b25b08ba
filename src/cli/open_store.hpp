#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "config/config.hpp"
#include "core/account_store.hpp"
#include "core/message_store.hpp"

namespace smppd::cli {
// [store] url names PostgreSQL (a cluster), not an SQLite file.
bool uses_postgres(const config::config& cfg);
// The account store named by [store] url; throws when it cannot be opened.
// `node_id` >= 0 (serve): on PostgreSQL it is also the node's core::bind_ledger.
std::unique_ptr<core::account_store> open_account_store(const config::config& cfg,
                                                        int node_id = -1);
// The message and receipt store named by [store] url, with the [dlr] receipt cap.
// `log` (optional) hears of the store's failures and recoveries where the backend tells.
std::unique_ptr<core::message_store> open_message_store(
    const config::config& cfg, const std::shared_ptr<spdlog::logger>& log = nullptr);
// `serve --memory-store`: nothing durable, for measuring the path without the disk.
std::unique_ptr<core::message_store> open_memory_message_store(const config::config& cfg);
}  // namespace smppd::cli
