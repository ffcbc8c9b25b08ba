#include "cli/open_store.hpp"

#include "store/memory/memory_message_store.hpp"
#include "store/sqlite/sqlite_account_store.hpp"
#include "store/sqlite/sqlite_message_store.hpp"

namespace smppd::cli {

namespace {
void require_sqlite(const config::config& cfg) {
  if (cfg.store.sqlite_path.empty()) {
    throw config::config_error("store.url: only sqlite:// is supported in this version");
  }
}
}  // namespace

std::unique_ptr<core::message_store> open_message_store(const config::config& cfg) {
  require_sqlite(cfg);
  store::sqlite::message_store_options options;
  options.max_pending_per_account = cfg.dlr.max_pending_per_account;
  options.synchronous_full = cfg.store.durability == "full";
  return std::make_unique<store::sqlite::sqlite_message_store>(cfg.store.sqlite_path, options);
}

std::unique_ptr<core::message_store> open_memory_message_store(const config::config& cfg) {
  return std::make_unique<store::memory::memory_message_store>(cfg.dlr.max_pending_per_account);
}

std::unique_ptr<core::account_store> open_account_store(const config::config& cfg) {
  require_sqlite(cfg);
  auto db = std::make_shared<store::sqlite::database>(cfg.store.sqlite_path);
  return std::make_unique<store::sqlite::sqlite_account_store>(std::move(db));
}

}  // namespace smppd::cli
