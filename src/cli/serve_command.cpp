// smppd serve: run the gateway in the foreground.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include "account/account.hpp"
#include "account/api_token.hpp"
#include "account/password.hpp"
#include "cli/command.hpp"
#include "cli/open_store.hpp"
#include "cli/serve_metrics.hpp"
#include "cluster/cluster_node.hpp"
#include "common/version.hpp"
#include "config/config.hpp"
#include "core/message_sink.hpp"
#include "dlr/deliver.hpp"
#include "gateway/engine.hpp"
#include "http/admin_api.hpp"
#include "http/http_server.hpp"
#include "http/rest_api.hpp"
#include "server/server.hpp"
#include "webhook/webhook_outbox.hpp"

namespace smppd::cli {
namespace {

// `make run` on a fresh store gets one account, so a newcomer can bind at once; its
// password is shown this once and never again. Only with --demo-account: a server started
// by a script or a test has exactly the accounts it was given.
void create_demo_account_if_empty(core::account_store& accounts, const config::config& cfg) {
  if (!accounts.list().empty()) return;
  const std::string password = account::random_password();
  account::account demo;
  demo.system_id = "demo";
  demo.password_hash = account::hash_password(password);
  demo.classes = cfg.smpp.message_classes;
  if (accounts.add(demo)) {
    std::printf(
        "created account demo with password %s (shown once; change it with "
        "`smppd account passwd demo --password NEW`)\n",
        password.c_str());
    std::fflush(stdout);
  }
}

// The admin API's token: the configured one, else the one generated into DATA_DIR/admin_token
// on the first start (shown in the log that once, and readable by the owner only).
std::string admin_token(const config::config& cfg, spdlog::logger& log) {
  if (!cfg.http.admin_token.empty()) return cfg.http.admin_token;
  const auto file = cfg.node.data_dir / "admin_token";
  std::string token;
  if (std::ifstream in(file); in && std::getline(in, token) && !token.empty()) return token;
  token = account::new_token_secret();
  {
    std::ofstream out(file, std::ios::trunc);
    out << token << "\n";
    if (!out) throw config::config_error("node.data_dir: cannot write " + file.string());
  }
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  log.warn("admin token generated into {} (shown this once): {}", file.string(), token);
  return token;
}

// Every session is a descriptor: take the hard limit rather than the shell's soft default
// (often 1024), so 10 000 clients can connect without tuning.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// `serve --discard`: the SMPP front alone, for benchmarking it; nothing is stored.
int run_front_only(const config::config& cfg, core::account_store& accounts,
                   const std::shared_ptr<spdlog::logger>& log) {
  log->warn("--discard: messages are acknowledged and thrown away, no receipts (benchmarks only)");
  core::counting_sink sink;
  core::no_receipts receipts;
  server::server front(cfg, accounts, sink, receipts, log);
  front.listen();
  front.run();
  log->info("stopped; {} messages accepted and discarded", sink.accepted());
  return exit_ok;
}

struct serve_options {
  bool discard = false;
  bool memory_store = false;
  bool demo_account = false;
};

int run_serve(const command_context& context, serve_options options) {
  raise_descriptor_limit();
  const auto cfg = config::load(context.config_path);
  auto log = spdlog::stderr_logger_mt("smppd");
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  log->flush_on(spdlog::level::info);

  std::error_code ec;
  std::filesystem::create_directories(cfg.node.data_dir, ec);
  if (ec) throw config::config_error("node.data_dir: cannot create " + cfg.node.data_dir.string());
  auto accounts = open_account_store(cfg, cfg.node.id);
  if (options.demo_account) create_demo_account_if_empty(*accounts, cfg);
  if (options.discard) return run_front_only(cfg, *accounts, log);

  // A cluster node claims its id before it reads what the store holds for that id.
  std::unique_ptr<cluster::cluster_node> cluster;
  if (uses_postgres(cfg) && !options.memory_store) {
    cluster::cluster_settings settings;
    settings.max_pending_per_account = cfg.dlr.max_pending_per_account;
    settings.retention = std::chrono::hours(cfg.dlr.retention_h);
    cluster = std::make_unique<cluster::cluster_node>(cfg.store.url, cfg.node.id, settings, log);
    if (!cluster->join()) {
      throw config::config_error("node.id: " + std::to_string(cfg.node.id) +
                                 " is held by another live node of the cluster");
    }
  }
  auto messages =
      options.memory_store ? open_memory_message_store(cfg) : open_message_store(cfg, log);
  if (options.memory_store) {
    log->warn(
        "--memory-store: messages and receipts are kept in memory only and lost at exit "
        "(benchmarks only)");
  }
  auto settings = gateway::make_engine_settings(cfg);
  settings.shared_store = cluster != nullptr;
  gateway::engine engine(*messages, cfg.simulator, settings, log);

  // The REST API and webhooks (contract, "HTTP"). Message ids come from the SMPP front's
  // generator, which exists once the store's highest id is known (below).
  server::server* front_ptr = nullptr;
  http::rest_api api(
      {*accounts, engine, [&front_ptr](wall_time now) { return front_ptr->next_message_id(now); },
       [&engine](std::vector<std::uint64_t> ids, std::function<void(std::size_t)> done) {
         engine.cancel(std::move(ids), std::move(done));
       },
       log});
  webhook::sender_settings sender;
  sender.poster.timeout = std::chrono::milliseconds(cfg.http.webhook_timeout_ms);
  sender.poster.max_concurrent = cfg.http.webhook_concurrency;
  sender.retry_scale = cfg.http.webhook_retry_scale;
  webhook::webhook_outbox outbox(
      sender,
      {[&api](std::string_view system_id) { return api.webhook_secret(system_id); },
       [&engine](std::vector<std::uint64_t> ids) { engine.webhooks_done(ids); }},
      log);
  engine.set_webhook_hooks(
      {[&outbox](std::vector<core::receipt_record> records) { outbox.deliver(std::move(records)); },
       [&api](std::string_view system_id) { return api.mo_url(system_id); },
       [&api](const core::message_record& m, dlr::receipt_status status, std::uint32_t error,
              wall_time at) {
         api.on_status(m.batch_id, m.id, dlr::webhook_status(status), error, at);
       }});

  const auto recovered = engine.recover();
  log->info("store {}: {} unfinished messages back to the carrier, {} receipts pending",
            cluster ? std::string("postgresql") : cfg.store.sqlite_path.string(),
            recovered.messages, recovered.receipts);
  // Destroyed after the engine stops: REST requests still waiting for their commit hold their
  // connections, which must not outlive the HTTP server's acceptor (it counts them).
  std::optional<http::http_server> http_front;
  {
    // Destroyed before the engine stops: closing sessions hand their receipts back to it.
    server::server front(cfg, *accounts, engine, engine, log, recovered.max_message_id,
                         cluster ? dynamic_cast<core::bind_ledger*>(accounts.get()) : nullptr);
    front_ptr = &front;
    http::http_settings web{cfg.http.listen, cfg.http.tls_cert, cfg.http.tls_key, cfg.http.threads};
    if (web.tls_cert.empty() != web.tls_key.empty())
      throw config::config_error("http.tls_cert and http.tls_key: set both or neither");
    http::admin_api admin({*accounts, admin_token(cfg, *log), cfg.smpp.message_classes,
                           [&front, node = cfg.node.id] { return sessions_json(front, node); },
                           [&front](std::uint64_t id) { return front.unbind(id); },
                           [&engine] { return carriers_json(engine); },
                           [&engine] { return queues_json(engine); }, log});
    http::operations_hooks operations{
        [&] { return http::render_metrics(collect_metrics(front, engine, outbox, *http_front)); },
        [&] { return front.listening() && engine.store_healthy(); }, &admin};
    http_front.emplace(web, api, operations, log);
    try {
      front.also_listening("http", http_front->start());
    } catch (const config::config_error& e) {
      if (cfg.http.listen_configured) throw;
      http_front.reset();
      log->warn("{}: the HTTP front (REST API) is off; set [http] listen to use it", e.what());
    }
    front.listen();
    engine.start();
    if (cluster) {
      cluster->start(engine);
      cluster->on_tick([&front] { front.refresh_cluster_shares(); });
    }
    log->info("smppd {} node {} serving", version(), cfg.node.id);
    front.run();
    if (http_front) http_front->stop();
    if (cluster) cluster->on_tick({});
    engine.stop_delivering();
  }
  outbox.stop();  // what it had not delivered stays in the store for the next start
  engine.stop();
  http_front.reset();
  if (cluster) cluster->leave();
  const auto c = engine.counters();
  log->info(
      "stopped: {} messages accepted, {} refused, {} final outcomes, {} receipts acknowledged, "
      "{} pending",
      c.accepted, c.refused, c.final_outcomes, c.receipts_acked, engine.pending_receipts());
  return exit_ok;
}

}  // namespace

void register_serve_command(CLI::App& app, command_context& context, command_runner& runner) {
  CLI::App* serve = app.add_subcommand("serve", "run the gateway in the foreground");
  add_config_option(*serve, context);
  auto options = std::make_shared<serve_options>();  // owned by the callback, as the app
  serve->add_flag("--discard", options->discard,
                  "benchmark the SMPP front alone: acknowledge messages and keep nothing "
                  "(never in production)");
  serve->add_flag("--memory-store", options->memory_store,
                  "benchmark the path without the disk: messages and receipts in memory only, "
                  "lost at exit (never in production)");
  serve->add_flag("--demo-account", options->demo_account,
                  "on a store with no account, first create the account demo with a random "
                  "password and print it once (what `make run` does)");
  serve->callback([&context, &runner, options] {
    runner = [&context, options] { return run_serve(context, *options); };
  });
}

}  // namespace smppd::cli
