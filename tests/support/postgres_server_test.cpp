#include "support/postgres_server.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <filesystem>
#include <memory>
#include <string>

namespace smppd::test_support {
namespace {

struct connection_closer {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using connection = std::unique_ptr<PGconn, connection_closer>;

connection connect(const postgres_server& server) {
  return connection(PQconnectdb(server.url().c_str()));
}

// The first field of the first row `sql` returns, "" when none, or "ERROR: ..." on failure.
std::string query(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  std::string out;
  const auto status = PQresultStatus(r);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    out = std::string("ERROR: ") + PQerrorMessage(c);
  } else if (PQntuples(r) > 0 && PQnfields(r) > 0) {
    out = PQgetvalue(r, 0, 0);
  }
  PQclear(r);
  return out;
}

TEST(PostgresServer, IsInstalled) { EXPECT_TRUE(postgres_server::available()); }

TEST(PostgresServer, ServesTheSmppdDatabaseAtItsUrl) {
  const postgres_server server;
  EXPECT_TRUE(server.running());

  const auto c = connect(server);
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << server.url() << ": " << PQerrorMessage(c.get());
  EXPECT_EQ(query(c.get(), "SELECT 1"), "1");
  EXPECT_EQ(query(c.get(), "SELECT current_database()"), "smppd");
  EXPECT_EQ(query(c.get(), "SHOW fsync"), "on");
}

TEST(PostgresServer, KeepsItsDataAcrossStopAndStart) {
  postgres_server server;
  {
    const auto c = connect(server);
    ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
    EXPECT_EQ(query(c.get(), "CREATE TABLE t (id int PRIMARY KEY, text text NOT NULL)"), "");
    EXPECT_EQ(query(c.get(), "INSERT INTO t VALUES (1, 'kept')"), "");
  }

  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_NE(PQstatus(connect(server).get()), CONNECTION_OK);

  server.start();
  EXPECT_TRUE(server.running());
  const auto c = connect(server);
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  EXPECT_EQ(query(c.get(), "SELECT text FROM t WHERE id = 1"), "kept");
  EXPECT_EQ(query(c.get(), "SELECT count(*) FROM t"), "1");
}

TEST(PostgresServer, TwoRunAtOnceEachWithItsOwnData) {
  const postgres_server a;
  const postgres_server b;
  EXPECT_NE(a.url(), b.url());
  const auto ca = connect(a);
  const auto cb = connect(b);
  ASSERT_EQ(PQstatus(ca.get()), CONNECTION_OK) << PQerrorMessage(ca.get());
  ASSERT_EQ(PQstatus(cb.get()), CONNECTION_OK) << PQerrorMessage(cb.get());
  EXPECT_EQ(query(ca.get(), "CREATE TABLE only_in_a (id int)"), "");
  EXPECT_EQ(query(ca.get(), "SELECT to_regclass('only_in_a') IS NOT NULL"), "t");
  EXPECT_EQ(query(cb.get(), "SELECT to_regclass('only_in_a') IS NOT NULL"), "f");
}

TEST(PostgresServer, LeavesNothingBehind) {
  std::filesystem::path dir;
  {
    const postgres_server server;
    dir = server.directory();
    EXPECT_TRUE(std::filesystem::exists(dir / "data"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace smppd::test_support
