#include "store/postgres/schema.hpp"

#include <array>
#include <string_view>

namespace smppd::store::postgres {
namespace {

// Index = the version it brings the schema to, minus one. Never edit a released step.
//
// Messages and receipts keep their whole record as one bytea (the journal's encoding of a
// single step, store/journal): the columns beside it are only what is searched or updated.
// Messages leave the table when final; receipts when acknowledged.
constexpr std::array<std::string_view, schema_version> steps = {
    R"sql(
CREATE TABLE accounts (
  system_id text PRIMARY KEY,
  password_hash text NOT NULL,
  max_binds bigint NOT NULL,
  throughput bigint NOT NULL,
  max_priority smallint NOT NULL,
  classes text NOT NULL
);
-- One row per node id: who holds it, and whether it is alive (heartbeat).
CREATE TABLE nodes (
  id integer PRIMARY KEY,
  instance text NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopped boolean NOT NULL DEFAULT false,
  handed_over boolean NOT NULL DEFAULT false,
  last_message_id bigint NOT NULL DEFAULT 0
);
-- Messages not yet final, each owned by the node that carries it on.
CREATE TABLE messages (
  id bigint PRIMARY KEY,
  owner integer NOT NULL,
  state smallint NOT NULL,
  priority smallint NOT NULL,
  carrier text NOT NULL DEFAULT '',
  upstream_id text NOT NULL DEFAULT '',
  record bytea NOT NULL
);
CREATE INDEX messages_by_owner ON messages (owner, priority DESC, id);
-- Receipts and MO not yet acknowledged; claimed_by = the node delivering it (NULL: any).
-- No index by account beyond the unclaimed ones': only the cap (every 10 s) would use it,
-- and each index costs every receipt an insert and a delete.
CREATE TABLE receipts (
  receipt_id bigint PRIMARY KEY,
  system_id text NOT NULL,
  claimed_by integer,
  created_at bigint NOT NULL,
  record bytea NOT NULL
);
CREATE INDEX receipts_unclaimed ON receipts (system_id, receipt_id) WHERE claimed_by IS NULL;
-- Receipt ids come in blocks of 4096 per node: one nextval per block.
CREATE SEQUENCE receipt_id_blocks;
-- Sessions bound per node and account, for max_binds across the cluster.
CREATE TABLE binds (
  node integer NOT NULL,
  system_id text NOT NULL,
  sessions integer NOT NULL,
  PRIMARY KEY (system_id, node)
);
)sql",
    // 2: the HTTP API (issue 10): an account's webhooks, and API tokens kept as their SHA-256
    // (account/api_token.hpp), found by it. An account's tokens go with it.
    R"sql(
ALTER TABLE accounts
  ADD COLUMN webhook_url text NOT NULL DEFAULT '',
  ADD COLUMN webhook_secret text NOT NULL DEFAULT '',
  ADD COLUMN mo_url text NOT NULL DEFAULT '';
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  system_id text NOT NULL REFERENCES accounts (system_id) ON DELETE CASCADE,
  label text NOT NULL,
  hash text NOT NULL,
  created_at bigint NOT NULL -- Unix seconds
);
CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (hash);
CREATE INDEX api_tokens_by_account ON api_tokens (system_id, created_at);
)sql",
    // 3: webhooks (issue 10) wait in the receipts' table; those released by a node that left
    // or died are claimed by any live node, whatever receivers it has.
    R"sql(
ALTER TABLE receipts ADD COLUMN webhook boolean NOT NULL DEFAULT false;
CREATE INDEX receipts_webhooks_unclaimed ON receipts (receipt_id) WHERE claimed_by IS NULL AND webhook;
)sql",
};

static_assert(steps.size() == schema_version, "one step per schema version");

constexpr std::int64_t migration_lock = 0x736d707064;  // "smppd"

}  // namespace

void migrate(connection& db) {
  db.exec("SELECT pg_advisory_lock($1)", {std::to_string(migration_lock)});
  try {
    db.exec("CREATE TABLE IF NOT EXISTS smppd_schema (version integer NOT NULL)");
    auto current = db.exec("SELECT version FROM smppd_schema");
    int version = 0;
    if (current.rows() == 0) {
      db.exec("INSERT INTO smppd_schema (version) VALUES (0)");
    } else {
      version = static_cast<int>(current.integer(0, 0));
    }
    if (version > schema_version) {
      throw pg_error(core::errc::unavailable,
                     "the database's schema is version " + std::to_string(version) +
                         ", newer than this smppd knows (" + std::to_string(schema_version) +
                         "): upgrade smppd");
    }
    for (; version < schema_version; ++version) {
      db.exec("BEGIN");
      db.exec_script(steps[static_cast<std::size_t>(version)]);
      db.exec("UPDATE smppd_schema SET version = $1", {std::to_string(version + 1)});
      db.exec("COMMIT");
    }
  } catch (...) {
    try {
      db.exec("ROLLBACK");
      db.exec("SELECT pg_advisory_unlock($1)", {std::to_string(migration_lock)});
    } catch (...) {
    }
    throw;
  }
  db.exec("SELECT pg_advisory_unlock($1)", {std::to_string(migration_lock)});
}

}  // namespace smppd::store::postgres
