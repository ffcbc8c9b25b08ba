// Several `smppd serve` nodes on one private PostgreSQL (contract, "Cluster"): receipts
// cross nodes, nodes stop (SIGTERM) or die (SIGKILL) under load, PostgreSQL itself stops,
// and nothing acknowledged with ESME_ROK goes without its receipt.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "harness.hpp"
#include "support/postgres_server.hpp"

namespace {

using namespace smppd::testing;
using namespace std::chrono_literals;
using smppd::smpp::command_id;
using smppd::smpp::command_status;
using clock_type = std::chrono::steady_clock;

// One node: its own folder (data_dir, listening.json) and config, the shared database.
struct node {
  node(const std::string& url, int node_id) : id(node_id) { write(url); }
  void write(const std::string& url) const {
    std::ofstream out(dir.config());
    out << "[node]\nid = " << id << "\ndata_dir = \"var\"\n"
        << "[smpp]\nlisten = \"127.0.0.1:0\"\ntls_listen = \"\"\n"
        << "[store]\nurl = \"" << url << "\"\n"
        << "[simulator]\ndefault_status = \"DELIVRD\"\ndefault_delay_ms = 20\n";
  }
  void start() { process.emplace(dir); }
  std::uint16_t port() const { return process->port(); }
  scratch_dir dir;
  int id;
  std::optional<server_process> process;
};

// A client's view of many submits: what was acknowledged, and what receipts came.
struct ledger {
  std::set<std::string> acknowledged;
  std::set<std::string> receipted;
  std::size_t refused = 0;
  std::set<std::string> missing() const {
    std::set<std::string> out;
    for (const auto& id : acknowledged)
      if (!receipted.contains(id)) out.insert(id);
    return out;
  }
};

// A session that reconnects when its node is back (its port may change on restart).
struct session {
  command_id kind;
  node* where;
  std::unique_ptr<raw_client> c;
  bool up() const { return c && c->connected(); }
  // Never asks the process whether it runs: a test's other thread may be waiting for it
  // to exit (waitpid from two threads loses the exit status); a connect to a node that is
  // down fails at once anyway.
  void ensure() {
    if (up() || !where->process) return;
    c = std::make_unique<raw_client>(where->port());
    if (!c->connected() || c->bind(kind, "acme", "secret") != command_status::esme_rok) c.reset();
  }
  void drop() { c.reset(); }
};

// Sends one submit_sm and reads until its response; deliver_sm on a transceiver are
// receipts. ROK ids go to the ledger; a closed connection drops the session.
void submit_one(session& s, ledger& l, int n) {
  if (!s.up()) return;
  auto submit = make_submit("4512" + std::to_string(100000 + n), "cluster " + std::to_string(n));
  submit.registered_delivery = 1;
  const auto sequence = s.c->next_sequence();
  s.c->send(smppd::smpp::make_pdu(submit, sequence));
  const auto give_up = clock_type::now() + 10s;
  while (clock_type::now() < give_up) {
    smppd::smpp::pdu p;
    if (s.c->read(p, 10s) != read_outcome::pdu) break;
    if (p.command_id() == command_id::enquire_link) {
      s.c->send(smppd::smpp::make_pdu(smppd::smpp::enquire_link_resp{}, p.sequence_number));
    } else if (p.command_id() == command_id::unbind) {
      s.c->send(smppd::smpp::make_pdu(smppd::smpp::unbind_resp{}, p.sequence_number));
    } else if (p.command_id() == command_id::submit_sm_resp && p.sequence_number == sequence) {
      if (p.command_status == command_status::esme_rok) {
        l.acknowledged.insert(message_id_of(p));
      } else {
        ++l.refused;
      }
      return;
    }
  }
  s.drop();
}

// Reads receipts on the receivers for `span`; closed ones are dropped (and reconnected by
// the caller's next ensure()).
void pump_receivers(std::vector<session*> receivers, ledger& l, std::chrono::milliseconds span) {
  const auto each = span / std::max<std::size_t>(1, receivers.size());
  for (auto* r : receivers) {
    r->ensure();
    if (!r->up()) continue;
    std::vector<smppd::smpp::pdu> seen;
    const bool open = pump(*r->c, clock_type::now() + each, seen);
    for (const auto& id : ids_of(seen)) l.receipted.insert(id);
    if (!open) r->drop();
  }
}

bool wait_for_receipts(std::vector<session*> receivers, ledger& l, std::chrono::seconds limit) {
  const auto give_up = clock_type::now() + limit;
  while (clock_type::now() < give_up) {
    if (l.missing().empty()) return true;
    pump_receivers(receivers, l, 200ms);
  }
  return l.missing().empty();
}

class cluster_test : public ::testing::Test {
 protected:
  void SetUp() override {
    n1 = std::make_unique<node>(pg.url(), 1);
    n2 = std::make_unique<node>(pg.url(), 2);
    ASSERT_EQ(add_account(n1->dir, "acme", "secret").exit_status, 0);
  }
  smppd::test_support::postgres_server pg;
  std::unique_ptr<node> n1, n2;
};

TEST_F(cluster_test, account_commands_work_against_postgresql_from_any_node) {
  // Added through node 1's config, seen through node 2's.
  auto list = run_smppd({"account", "list", "--json", "--config", n2->dir.config().string()});
  ASSERT_EQ(list.exit_status, 0) << list.err;
  EXPECT_NE(list.out.find("\"acme\""), std::string::npos) << list.out;
  EXPECT_EQ(add_account(n2->dir, "acme", "other").exit_status, 1);
  EXPECT_EQ(run_smppd({"account", "passwd", "acme", "--password", "newpw", "--config",
                       n2->dir.config().string()})
                .exit_status,
            0);
  n1->start();
  raw_client c(n1->port());
  EXPECT_EQ(c.bind(command_id::bind_transmitter, "acme", "newpw"), command_status::esme_rok);
  EXPECT_EQ(
      run_smppd({"account", "remove", "acme", "--config", n1->dir.config().string()}).exit_status,
      0);
  auto show = run_smppd({"account", "show", "acme", "--config", n2->dir.config().string()});
  EXPECT_EQ(show.exit_status, 1) << show.out;
}

TEST_F(cluster_test, a_second_node_with_a_live_nodes_id_refuses_to_start) {
  n1->start();
  node twin(pg.url(), 1);
  const auto r = run_smppd({"serve", "--config", twin.dir.config().string()});
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("held by another live node"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(n1->process->running());
}

TEST_F(cluster_test, max_binds_counts_the_binds_on_every_node) {
  ASSERT_EQ(add_account(n1->dir, "capped", "secret", {"--max-binds", "2"}).exit_status, 0);
  n1->start();
  n2->start();
  raw_client a(n1->port()), b(n2->port()), c(n2->port()), d(n1->port());
  EXPECT_EQ(a.bind(command_id::bind_transmitter, "capped", "secret"), command_status::esme_rok);
  EXPECT_EQ(b.bind(command_id::bind_receiver, "capped", "secret"), command_status::esme_rok);
  EXPECT_EQ(c.bind(command_id::bind_transceiver, "capped", "secret"),
            command_status::esme_rbindfail);
  EXPECT_EQ(d.bind(command_id::bind_transceiver, "capped", "secret"),
            command_status::esme_rbindfail);
  a.send(smppd::smpp::make_pdu(smppd::smpp::unbind{}, a.next_sequence()));
  EXPECT_EQ(a.expect_response().command_id(), command_id::unbind_resp);
  bool bound = false;  // the unbind is published as the session ends: a moment later
  for (int i = 0; i < 50 && !bound; ++i) {
    raw_client attempt(n2->port());
    bound =
        attempt.bind(command_id::bind_transmitter, "capped", "secret") == command_status::esme_rok;
    if (!bound) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(bound);
}

// Sends `n` submit_sm at once, then counts the ESME_ROK among the responses.
std::size_t burst(raw_client& c, int n) {
  for (int i = 0; i < n; ++i) {
    c.send(smppd::smpp::make_pdu(make_submit("4512345678", "burst"), c.next_sequence()));
  }
  std::size_t ok = 0;
  for (int i = 0; i < n; ++i) {
    const auto p = c.expect_response();
    if (p.command_status == command_status::esme_rok) ++ok;
  }
  return ok;
}

TEST_F(cluster_test, an_accounts_throughput_is_shared_by_the_nodes_it_is_bound_to) {
  ASSERT_EQ(add_account(n1->dir, "limited", "secret", {"--throughput", "100"}).exit_status, 0);
  n1->start();
  n2->start();
  raw_client a(n1->port());
  ASSERT_EQ(a.bind(command_id::bind_transmitter, "limited", "secret"), command_status::esme_rok);
  {
    raw_client b(n2->port());
    ASSERT_EQ(b.bind(command_id::bind_transmitter, "limited", "secret"), command_status::esme_rok);
    std::this_thread::sleep_for(2500ms);  // node 1 learns of node 2 at its next tick
    // A bucket of one second's share, refilled at the share's rate while the burst lasts.
    const auto started = clock_type::now();
    const auto shared = burst(a, 100);
    const double took = std::chrono::duration<double>(clock_type::now() - started).count();
    EXPECT_GE(shared, 45u);
    EXPECT_LE(static_cast<double>(shared), 50 + 50 * took + 5) << "burst took " << took << " s";
  }
  std::this_thread::sleep_for(2500ms);  // node 2's session ended: the whole limit again
  EXPECT_GE(burst(a, 150), 95u);
}

TEST_F(cluster_test, receipts_of_messages_sent_on_one_node_reach_a_receiver_on_another) {
  n1->start();
  n2->start();
  session tx{command_id::bind_transmitter, n1.get(), nullptr};
  session rx{command_id::bind_receiver, n2.get(), nullptr};
  tx.ensure();
  rx.ensure();
  ASSERT_TRUE(tx.up() && rx.up());
  ledger l;
  for (int i = 0; i < 200; ++i) submit_one(tx, l, i);
  ASSERT_EQ(l.acknowledged.size(), 200u) << l.refused << " refused\n" << n1->process->log();
  EXPECT_TRUE(wait_for_receipts({&rx}, l, 20s)) << l.missing().size() << " receipts missing\n"
                                                << n1->process->log() << n2->process->log();
}

// Submits on every transmitter that is up, round robin, for `span`.
void load(std::vector<session*> transmitters, std::vector<session*> receivers, ledger& l,
          std::chrono::milliseconds span, int& n) {
  const auto until = clock_type::now() + span;
  while (clock_type::now() < until) {
    for (auto* t : transmitters) {
      t->ensure();
      for (int k = 0; k < 20; ++k) submit_one(*t, l, n++);
    }
    pump_receivers(receivers, l, 20ms);
  }
}

TEST_F(cluster_test, a_rolling_restart_under_load_loses_no_receipt) {
  n1->start();
  n2->start();
  session tx1{command_id::bind_transmitter, n1.get(), nullptr};
  session tx2{command_id::bind_transmitter, n2.get(), nullptr};
  session rx1{command_id::bind_receiver, n1.get(), nullptr};
  session rx2{command_id::bind_receiver, n2.get(), nullptr};
  std::vector<session*> transmitters{&tx1, &tx2}, receivers{&rx1, &rx2};
  ledger l;
  int n = 0;
  load(transmitters, receivers, l, 1500ms, n);
  for (node* restarting : {n1.get(), n2.get()}) {
    std::atomic<bool> stopped{false};
    std::thread stop([&] {
      EXPECT_EQ(restarting->process->terminate(), 0) << restarting->process->log();
      stopped = true;
    });
    while (!stopped) load(transmitters, receivers, l, 100ms, n);
    stop.join();
    restarting->start();
    load(transmitters, receivers, l, 1500ms, n);
  }
  EXPECT_GT(l.acknowledged.size(), 200u);
  EXPECT_TRUE(wait_for_receipts(receivers, l, 30s))
      << l.missing().size() << " of " << l.acknowledged.size() << " receipts missing\n"
      << n1->process->log() << n2->process->log();
}

TEST_F(cluster_test, a_node_killed_under_load_has_its_receipts_delivered_by_the_other) {
  n1->start();
  n2->start();
  for (int trial = 0; trial < 5; ++trial) {
    node* victim = trial % 2 == 0 ? n1.get() : n2.get();
    node* survivor = trial % 2 == 0 ? n2.get() : n1.get();
    session tx_victim{command_id::bind_transmitter, victim, nullptr};
    session tx_survivor{command_id::bind_transmitter, survivor, nullptr};
    session rx{command_id::bind_receiver, survivor, nullptr};
    ledger l;
    int n = trial * 100000;
    load({&tx_victim, &tx_survivor}, {&rx}, l, 1000ms, n);
    victim->process->kill();
    load({&tx_victim, &tx_survivor}, {&rx}, l, 300ms, n);
    const auto killed_at = clock_type::now();
    EXPECT_TRUE(wait_for_receipts({&rx}, l, 20s))
        << "trial " << trial << ": " << l.missing().size() << " of " << l.acknowledged.size()
        << " receipts missing\n"
        << survivor->process->log();
    EXPECT_LT(clock_type::now() - killed_at, 20s);
    victim->start();
  }
}

TEST_F(cluster_test, postgresql_stopping_for_seconds_under_load_loses_nothing_acknowledged) {
  n1->start();
  session tx{command_id::bind_transmitter, n1.get(), nullptr};
  session rx{command_id::bind_receiver, n1.get(), nullptr};
  ledger l;
  int n = 0;
  load({&tx}, {&rx}, l, 1000ms, n);
  const auto before = l.acknowledged.size();
  pg.stop();
  load({&tx}, {&rx}, l, 5000ms, n);
  EXPECT_GT(l.refused, 0u);
  pg.start();
  load({&tx}, {&rx}, l, 3000ms, n);
  EXPECT_GT(l.acknowledged.size(), before);
  EXPECT_TRUE(n1->process->running());
  EXPECT_TRUE(wait_for_receipts({&rx}, l, 30s))
      << l.missing().size() << " of " << l.acknowledged.size() << " receipts missing\n"
      << n1->process->log();
  const auto log = n1->process->log();
  EXPECT_NE(log.find("PostgreSQL is unreachable"), std::string::npos) << log;
  EXPECT_NE(log.find("PostgreSQL is reachable again"), std::string::npos) << log;
}

}  // namespace
