#pragma once
// The PostgreSQL schema and its migrations. Every node and every `smppd account` command
// runs migrate() on connecting; an advisory lock makes concurrent starts take turns.

#include "store/postgres/connection.hpp"

namespace smppd::store::postgres {

inline constexpr int schema_version = 3;

// Brings the schema up to schema_version; throws pg_error, or when the database holds a
// newer schema than this binary knows.
void migrate(connection& db);

}  // namespace smppd::store::postgres
