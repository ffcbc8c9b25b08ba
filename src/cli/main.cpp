// The single binary's entry point. Exceptions are for start-up and configuration: they become
// a one-line message and exit status 2.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/command.hpp"
#include "common/version.hpp"
#include "config/config.hpp"
#include "store/postgres/connection.hpp"
#include "store/sqlite/database.hpp"

namespace smppd::cli {
int fail(int status, const std::string& message) {
  std::fprintf(stderr, "smppd: %s\n", message.c_str());
  return status;
}

void add_config_option(CLI::App& command, command_context& context) {
  command.add_option("--config", context.config_path, "configuration file")->capture_default_str();
}
}  // namespace smppd::cli

namespace {

int run(int argc, char** argv) {
  using namespace smppd::cli;
  CLI::App app{"smppd: an SMPP 3.4 SMS gateway"};
  app.set_version_flag("--version", std::string("smppd ") + smppd::version());
  app.require_subcommand(1);
  command_context context;
  command_runner runner;
  // Before the subcommand too (`smppd --config F account list`), as after it.
  add_config_option(app, context);
  register_serve_command(app, context, runner);
  register_account_commands(app, context, runner);
  register_token_commands(app, context, runner);
  register_send_command(app, context, runner);
  register_bench_command(app, context, runner);
  register_status_command(app, context, runner);
  try {
    app.parse(argc, argv);
    return runner ? runner() : exit_bad_usage;
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_bad_usage;
  } catch (const smppd::config::config_error& e) {
    std::fprintf(stderr, "smppd: %s\n", e.what());
    return exit_bad_usage;
  } catch (const smppd::store::sqlite::store_error& e) {
    std::fprintf(stderr, "smppd: store: %s\n", e.what());
    return exit_bad_usage;
  } catch (const smppd::store::postgres::pg_error& e) {
    std::fprintf(stderr, "smppd: store: %s\n", e.what());
    return exit_bad_usage;
  }
}

}  // namespace

// Any exception becomes a one-line message and exit status 2, never an abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "smppd: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "smppd: unexpected error\n");
  }
  return smppd::cli::exit_bad_usage;
}
