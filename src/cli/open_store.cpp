#include "cli/open_store.hpp"

#include "store/sqlite/sqlite_account_store.hpp"

namespace smppd::cli {

std::unique_ptr<store::account_store> open_account_store(const config::config& cfg) {
  if (cfg.store.sqlite_path.empty()) {
    throw config::config_error("store.url: only sqlite:// is supported in this version");
  }
  auto db = std::make_shared<store::sqlite::database>(cfg.store.sqlite_path);
  return std::make_unique<store::sqlite::sqlite_account_store>(std::move(db));
}

}  // namespace smppd::cli
