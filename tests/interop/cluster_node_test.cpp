// node-smpp (npm smpp 0.5.1) against a two-node smppd cluster on a private PostgreSQL: a
// transmitter on node 1, a receiver on node 2 (node/cluster_client.js). Every message the
// cluster acknowledged must come back as a receipt on the other node.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness.hpp"
#include "support.hpp"
#include "support/postgres_server.hpp"

namespace smppd::interop {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

void write_node_config(const testing::scratch_dir& dir, int id, const std::string& url) {
  std::ofstream out(dir.config());
  out << "[node]\nid = " << id << "\ndata_dir = \"var\"\n"
      << "[smpp]\nlisten = \"127.0.0.1:0\"\ntls_listen = \"\"\n"
      << "[store]\nurl = \"" << url << "\"\n"
      << "[simulator]\ndefault_status = \"DELIVRD\"\ndefault_delay_ms = 10\n";
}

TEST(cluster_node_test, node_smpp_gets_on_node_2_the_receipts_of_what_it_sent_on_node_1) {
  const std::string node_dir = source_dir() + "/tests/interop/node";
  ASSERT_TRUE(have_program("node")) << "node is not on PATH: run scripts/bootstrap";
  ASSERT_FALSE(read_file(node_dir + "/node_modules/smpp/package.json").empty())
      << "node-smpp is missing: run scripts/bootstrap";
  test_support::postgres_server pg;
  testing::scratch_dir one, two;
  write_node_config(one, 1, pg.url());
  write_node_config(two, 2, pg.url());
  ASSERT_EQ(testing::add_account(one, "nodeclus", "n0de-pw").exit_status, 0);
  testing::server_process n1(one), n2(two);
  ASSERT_NE(n1.port(), 0);
  ASSERT_NE(n2.port(), 0);

  const auto r =
      run("cd " + shell_quote(node_dir) + " && exec node cluster_client.js 127.0.0.1 " +
              std::to_string(n1.port()) + " " + std::to_string(n2.port()) + " nodeclus n0de-pw 100",
          {}, 60s);
  const auto lines = split(r.out, '\n');
  json out = json::parse(lines.empty() ? "" : lines.front(), nullptr, false);
  ASSERT_TRUE(out.is_object()) << r.out << r.err;
  EXPECT_FALSE(out.contains("error")) << out << "\n" << n1.log() << n2.log();
  EXPECT_EQ(out["refused"], 0) << out;
  const auto acknowledged = out["acknowledged"].get<std::set<std::string>>();
  const auto receipted = out["receipted"].get<std::set<std::string>>();
  EXPECT_EQ(acknowledged.size(), 100u);
  EXPECT_EQ(receipted, acknowledged);
}

}  // namespace
}  // namespace smppd::interop
