#include "cli/open_store.hpp"

#include "store/memory/memory_message_store.hpp"
#include "store/postgres/pg_account_store.hpp"
#include "store/postgres/pg_message_store.hpp"
#include "store/sqlite/sqlite_account_store.hpp"
#include "store/sqlite/sqlite_message_store.hpp"

namespace smppd::cli {

bool uses_postgres(const config::config& cfg) { return cfg.store.sqlite_path.empty(); }

std::unique_ptr<core::message_store> open_message_store(
    const config::config& cfg, const std::shared_ptr<spdlog::logger>& log) {
  if (uses_postgres(cfg)) {
    store::postgres::pg_store_options options;
    if (log) {
      options.report = [log](bool failing, const std::string& message) {
        if (failing) {
          log->error("store: PostgreSQL: {}", message);
        } else {
          log->info("store: PostgreSQL: {}", message);
        }
      };
    }
    options.node_id = cfg.node.id;
    options.synchronous_full = cfg.store.durability == "full";
    return std::make_unique<store::postgres::pg_message_store>(cfg.store.url, options);
  }
  store::sqlite::message_store_options options;
  options.max_pending_per_account = cfg.dlr.max_pending_per_account;
  options.synchronous_full = cfg.store.durability == "full";
  return std::make_unique<store::sqlite::sqlite_message_store>(cfg.store.sqlite_path, options);
}

std::unique_ptr<core::message_store> open_memory_message_store(const config::config& cfg) {
  return std::make_unique<store::memory::memory_message_store>(cfg.dlr.max_pending_per_account);
}

std::unique_ptr<core::account_store> open_account_store(const config::config& cfg, int node_id) {
  if (uses_postgres(cfg)) {
    return std::make_unique<store::postgres::pg_account_store>(cfg.store.url, node_id);
  }
  auto db = std::make_shared<store::sqlite::database>(cfg.store.sqlite_path);
  return std::make_unique<store::sqlite::sqlite_account_store>(std::move(db));
}

}  // namespace smppd::cli
