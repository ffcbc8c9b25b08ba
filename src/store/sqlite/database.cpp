#include "store/sqlite/database.hpp"

#include <array>

namespace smppd::store::sqlite {
namespace {

// Each entry moves the schema one version up; entries are never edited once released.
constexpr std::array<std::string_view, 6> migrations = {
    R"sql(
    CREATE TABLE accounts (
      system_id     TEXT PRIMARY KEY NOT NULL,
      password_hash TEXT NOT NULL,
      max_binds     INTEGER NOT NULL,
      throughput    INTEGER NOT NULL,
      max_priority  INTEGER NOT NULL,
      classes       TEXT NOT NULL   -- comma separated
    );
    )sql",
    // 2: messages and receipts (issue 4). Times are integer milliseconds UTC; small
    // integers take one byte in SQLite's record format, so the rows stay compact.
    R"sql(
    CREATE TABLE messages (
      id                     INTEGER PRIMARY KEY NOT NULL,  -- the rowid: no extra index
      system_id              TEXT NOT NULL,
      source_addr_ton        INTEGER NOT NULL,
      source_addr_npi        INTEGER NOT NULL,
      source_addr            TEXT NOT NULL,
      dest_addr_ton          INTEGER NOT NULL,
      dest_addr_npi          INTEGER NOT NULL,
      destination_addr       TEXT NOT NULL,
      service_type           TEXT NOT NULL,
      esm_class              INTEGER NOT NULL,
      protocol_id            INTEGER NOT NULL,
      data_coding            INTEGER NOT NULL,
      payload                BLOB,             -- NULL = empty
      parts                  INTEGER NOT NULL,
      requested_priority     INTEGER NOT NULL,
      priority               INTEGER NOT NULL,
      user_message_reference BLOB,             -- NULL = none
      message_class          TEXT NOT NULL,
      flash                  INTEGER NOT NULL,
      registered_delivery    INTEGER NOT NULL,
      schedule_delivery_time INTEGER,          -- NULL = at once
      validity_period        INTEGER,          -- NULL = the default
      submitted_at           INTEGER NOT NULL,
      state                  INTEGER NOT NULL,
      done_at                INTEGER,
      error_code             INTEGER NOT NULL
    );
    -- Recovery reads the unfinished messages only; finished ones leave this index.
    CREATE INDEX messages_unfinished ON messages(state) WHERE state < 2;
    CREATE TABLE receipts (
      receipt_id             INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
      system_id              TEXT NOT NULL,
      message_id             INTEGER NOT NULL,
      text                   TEXT NOT NULL,
      message_state          INTEGER NOT NULL,
      network_error          INTEGER NOT NULL,
      source_addr_ton        INTEGER NOT NULL,
      source_addr_npi        INTEGER NOT NULL,
      source_addr            TEXT NOT NULL,
      dest_addr_ton          INTEGER NOT NULL,
      dest_addr_npi          INTEGER NOT NULL,
      destination_addr       TEXT NOT NULL,
      user_message_reference BLOB,             -- NULL = none
      created_at             INTEGER NOT NULL
    );
    CREATE INDEX receipts_by_account ON receipts(system_id, receipt_id);
    )sql",
    // 3: store v2 (issue 12). Each group commit is one journal row (the batch's steps,
    // store/journal); what is still live after a second is folded into messages and
    // receipts and its journal rows deleted. Finished messages are no longer kept.
    R"sql(
    CREATE TABLE journal (
      seq  INTEGER PRIMARY KEY NOT NULL,
      data BLOB NOT NULL
    );
    CREATE TABLE meta (
      key   TEXT PRIMARY KEY NOT NULL,
      value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO meta VALUES
      ('max_message_id', (SELECT coalesce(max(id), 0) FROM messages)),
      ('last_receipt_id', (SELECT coalesce(max(seq), 0) FROM sqlite_sequence
                           WHERE name = 'receipts'));
    ALTER TABLE messages ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
    ALTER TABLE messages ADD COLUMN upstream_id TEXT NOT NULL DEFAULT '';
    DELETE FROM messages WHERE state >= 2;
    -- The queue for the carriers: accepted, highest priority first, then oldest.
    CREATE INDEX messages_waiting ON messages(priority DESC, id) WHERE state = 0;
    )sql",
    // 4: MO from carriers share the receipts' queue (issue 8): a receipt is esm_class 4.
    R"sql(
    ALTER TABLE receipts ADD COLUMN esm_class INTEGER NOT NULL DEFAULT 4;
    ALTER TABLE receipts ADD COLUMN data_coding INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 5: the HTTP API (issue 10): an account's webhooks, and API tokens kept as their SHA-256
    // (account/api_token.hpp), found by it. An account's tokens go with it (foreign_keys=ON).
    R"sql(
    ALTER TABLE accounts ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
    ALTER TABLE accounts ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
    ALTER TABLE accounts ADD COLUMN mo_url TEXT NOT NULL DEFAULT '';
    CREATE TABLE api_tokens (
      id         TEXT PRIMARY KEY NOT NULL,
      system_id  TEXT NOT NULL REFERENCES accounts(system_id) ON DELETE CASCADE,
      label      TEXT NOT NULL,
      hash       TEXT NOT NULL,
      created_at INTEGER NOT NULL  -- Unix seconds
    );
    CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens(hash);
    CREATE INDEX api_tokens_by_account ON api_tokens(system_id, created_at);
    )sql",
    // 6: the REST API (issue 10): status webhooks of a message and where they go.
    R"sql(
    ALTER TABLE messages ADD COLUMN batch_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN callback_url TEXT NOT NULL DEFAULT '';
    ALTER TABLE messages ADD COLUMN userref TEXT NOT NULL DEFAULT '';
    ALTER TABLE receipts ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
    )sql"};

}  // namespace

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw store_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    fail(db, "prepare");
  }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step");
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

database::database(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string message = "cannot open " + file.string();
    sqlite3* db = db_;
    db_ = nullptr;
    try {
      fail(db, message);
    } catch (...) {
      sqlite3_close(db);
      throw;
    }
  }
  // Another process (the CLI, another server thread) may hold the write lock briefly.
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

database::~database() { sqlite3_close(db_); }

void database::exec(std::string_view sql) {
  const std::string text(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw store_error("sqlite: " + message);
  }
}

void database::migrate() {
  exec("BEGIN IMMEDIATE");
  try {
    std::size_t current = 0;
    {
      statement version(db_, "PRAGMA user_version");
      version.step();
      current = static_cast<std::size_t>(version.column_int(0));
    }
    if (current > migrations.size()) {
      throw store_error("the database schema (version " + std::to_string(current) +
                        ") is newer than this smppd");
    }
    for (auto v = current; v < migrations.size(); ++v) {
      exec(migrations[v]);
      exec("PRAGMA user_version = " + std::to_string(v + 1));
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace smppd::store::sqlite
