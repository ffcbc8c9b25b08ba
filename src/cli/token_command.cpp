// smppd token add|list|remove: API tokens of the REST API (contract, "HTTP"). A token is
// printed once, by `add`; the store keeps only its SHA-256 (account/api_token.hpp).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "account/api_token.hpp"
#include "cli/command.hpp"
#include "cli/open_store.hpp"
#include "config/config.hpp"

namespace smppd::cli {
namespace {

constexpr std::size_t max_label_length = 100;

// Empty when the label is fine. A label is printed in a table: no control characters.
std::string check_label(std::string_view label) {
  if (label.size() > max_label_length) return "label is longer than 100 characters";
  for (unsigned char c : label) {
    if (c < 0x20 || c == 0x7F) return "label must not contain control characters";
  }
  return {};
}

// "2024-05-01T12:00:00Z"
std::string utc_time(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// Everything but the hash: it is of no use outside the store.
nlohmann::json to_json(const account::api_token& t) {
  return {{"id", t.id},
          {"system_id", t.system_id},
          {"label", t.label},
          {"created_at", t.created_at_unix}};
}

struct token_add_options {
  std::string system_id;
  std::string label;
  bool json = false;
};

int run_token_add(const command_context& context, const token_add_options& options) {
  const auto cfg = config::load(context.config_path);
  if (auto problem = check_label(options.label); !problem.empty()) {
    return fail(exit_bad_usage, problem);
  }
  const std::string secret = account::new_token_secret();
  account::api_token token;
  token.id = account::new_token_id();
  token.system_id = options.system_id;
  token.label = options.label;
  token.hash = account::hash_token(secret);
  token.created_at_unix = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  if (!open_account_store(cfg)->add_token(token)) {
    return fail(exit_failed, "no account " + options.system_id);
  }
  if (options.json) {
    auto out = to_json(token);
    out["token"] = secret;
    std::printf("%s\n", out.dump().c_str());
  } else {
    // The token alone on stdout, so `TOKEN=$(smppd token add acme)` is the token; its id
    // (for `token remove`) is in the note on stderr and in `token list`.
    std::printf("%s\n", secret.c_str());
  }
  std::fprintf(stderr, "smppd: token id %s of %s added; the token is shown only this once\n",
               token.id.c_str(), token.system_id.c_str());
  return exit_ok;
}

int run_token_list(const command_context& context, const std::optional<std::string>& system_id,
                   bool json) {
  const auto cfg = config::load(context.config_path);
  auto store = open_account_store(cfg);
  if (system_id && !store->find(*system_id)) return fail(exit_failed, "no account " + *system_id);
  const auto tokens = store->list_tokens(system_id);
  if (json) {
    auto array = nlohmann::json::array();
    for (const auto& t : tokens) array.push_back(to_json(t));
    std::printf("%s\n", array.dump().c_str());
    return exit_ok;
  }
  std::printf("%-16s %-15s %-20s  %s\n", "ID", "SYSTEM_ID", "CREATED", "LABEL");
  for (const auto& t : tokens) {
    std::printf("%-16s %-15s %-20s  %s\n", t.id.c_str(), t.system_id.c_str(),
                utc_time(t.created_at_unix).c_str(), t.label.c_str());
  }
  return exit_ok;
}

int run_token_remove(const command_context& context, const std::string& token_id) {
  const auto cfg = config::load(context.config_path);
  if (!open_account_store(cfg)->remove_token(token_id)) {
    return fail(exit_failed, "no token " + token_id);
  }
  std::printf("token %s removed\n", token_id.c_str());
  return exit_ok;
}

}  // namespace

void register_token_commands(CLI::App& app, command_context& context, command_runner& runner) {
  CLI::App* token = app.add_subcommand("token", "manage API tokens of the REST API");
  add_config_option(*token, context);  // also `smppd token --config F list`
  token->require_subcommand(1);

  auto add = std::make_shared<token_add_options>();
  CLI::App* add_cmd =
      token->add_subcommand("add", "create a token for an account and print it (only this once)");
  add_config_option(*add_cmd, context);
  add_cmd->add_option("SYSTEM_ID", add->system_id, "the account the token acts as")->required();
  add_cmd->add_option("--label", add->label, "a note for `token list` (at most 100 characters)");
  add_cmd->add_flag("--json", add->json, "one JSON object with the token");
  add_cmd->callback([&context, &runner, add] {
    runner = [&context, add] { return run_token_add(context, *add); };
  });

  // CLI11 2.1 has no std::optional options: whether SYSTEM_ID was given is asked after parsing.
  auto system_id = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* list_cmd = token->add_subcommand("list", "list tokens (never the tokens themselves)");
  add_config_option(*list_cmd, context);
  CLI::Option* id_given = list_cmd->add_option("SYSTEM_ID", *system_id, "only this account's");
  list_cmd->add_flag("--json", *json, "a JSON array");
  list_cmd->callback([&context, &runner, system_id, json, id_given] {
    std::optional<std::string> only;
    if (id_given->count() > 0) only = *system_id;
    runner = [&context, only, json] { return run_token_list(context, only, *json); };
  });

  auto token_id = std::make_shared<std::string>();
  CLI::App* remove_cmd = token->add_subcommand("remove", "remove a token: it stops working");
  add_config_option(*remove_cmd, context);
  remove_cmd->add_option("TOKEN_ID", *token_id, "the id `token add` and `token list` show")
      ->required();
  remove_cmd->callback([&context, &runner, token_id] {
    runner = [&context, token_id] { return run_token_remove(context, *token_id); };
  });
}

}  // namespace smppd::cli
