#pragma once
// What every subcommand shares: the --config option and the exit statuses of the contract.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace smppd::cli {

enum exit_status : int {
  exit_ok = 0,
  exit_failed = 1,     // the command ran and said no (unknown account, existing id)
  exit_bad_usage = 2,  // bad arguments or configuration
};

struct command_context {
  std::string config_path = "config/smppd.toml";
};

// Prints "smppd: MESSAGE" on stderr; returns `status` (return fail(exit_failed, "...")).
int fail(int status, const std::string& message);

// Adds --config to a subcommand.
void add_config_option(CLI::App& command, command_context& context);

// Each subcommand module registers its commands; the callback runs the chosen one and
// returns its exit status through `result`.
using command_runner = std::function<int()>;

void register_account_commands(CLI::App& app, command_context& context, command_runner& runner);
void register_token_commands(CLI::App& app, command_context& context, command_runner& runner);
void register_serve_command(CLI::App& app, command_context& context, command_runner& runner);
void register_send_command(CLI::App& app, command_context& context, command_runner& runner);
void register_bench_command(CLI::App& app, command_context& context, command_runner& runner);
void register_status_command(CLI::App& app, command_context& context, command_runner& runner);

}  // namespace smppd::cli
