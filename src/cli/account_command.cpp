// smppd account add|list|show|remove|passwd|webhook
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "account/account.hpp"
#include "account/password.hpp"
#include "cli/command.hpp"
#include "cli/open_store.hpp"
#include "config/config.hpp"

namespace smppd::cli {
namespace {

struct add_options {
  std::string system_id;
  std::string password;
  std::uint32_t max_binds = 10;
  std::uint32_t throughput = 0;
  unsigned max_priority = 3;
  std::vector<std::string> classes;
  bool classes_given = false;
};

// The webhook secret is never printed: whether one is set is all an operator needs to see.
nlohmann::json to_json(const account::account& a) {
  return {{"system_id", a.system_id},
          {"max_binds", a.max_binds},
          {"throughput", a.throughput},
          {"max_priority", a.max_priority},
          {"classes", a.classes},
          {"webhook_url", a.webhook_url},
          {"webhook_secret_set", !a.webhook_secret.empty()},
          {"mo_url", a.mo_url}};
}

// Only the options given change; an empty value clears one.
struct webhook_options {
  std::string system_id;
  std::optional<std::string> url;
  std::optional<std::string> secret;
  std::optional<std::string> mo_url;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

int run_add(const command_context& context, add_options options) {
  const auto cfg = config::load(context.config_path);
  if (auto problem = account::check_system_id(options.system_id); !problem.empty()) {
    return fail(exit_bad_usage, problem);
  }
  if (auto problem = account::check_password(options.password); !problem.empty()) {
    return fail(exit_bad_usage, problem);
  }
  if (!options.classes_given) options.classes = cfg.smpp.message_classes;
  for (const auto& cls : options.classes) {
    if (std::find(cfg.smpp.message_classes.begin(), cfg.smpp.message_classes.end(), cls) ==
        cfg.smpp.message_classes.end()) {
      return fail(exit_bad_usage, "unknown message class \"" + cls + "\" (smpp.message_classes: " +
                                      join(cfg.smpp.message_classes) + ")");
    }
  }
  account::account a;
  a.system_id = options.system_id;
  a.password_hash = account::hash_password(options.password);
  a.max_binds = options.max_binds;
  a.throughput = options.throughput;
  a.max_priority = static_cast<std::uint8_t>(options.max_priority);
  a.classes = options.classes;
  auto store = open_account_store(cfg);
  if (!store->add(a)) return fail(exit_failed, "account " + a.system_id + " exists already");
  std::printf("account %s added\n", a.system_id.c_str());
  return exit_ok;
}

int run_list(const command_context& context, bool json) {
  const auto cfg = config::load(context.config_path);
  const auto accounts = open_account_store(cfg)->list();
  if (json) {
    auto array = nlohmann::json::array();
    for (const auto& a : accounts) array.push_back(to_json(a));
    std::printf("%s\n", array.dump().c_str());
    return exit_ok;
  }
  std::printf("%-15s %9s %10s %12s  %s\n", "SYSTEM_ID", "MAX_BINDS", "THROUGHPUT", "MAX_PRIORITY",
              "CLASSES");
  for (const auto& a : accounts) {
    std::printf("%-15s %9u %10u %12u  %s\n", a.system_id.c_str(), a.max_binds, a.throughput,
                unsigned{a.max_priority}, join(a.classes).c_str());
  }
  return exit_ok;
}

int run_show(const command_context& context, const std::string& system_id, bool json) {
  const auto cfg = config::load(context.config_path);
  const auto a = open_account_store(cfg)->find(system_id);
  if (!a) return fail(exit_failed, "no account " + system_id);
  if (json) {
    std::printf("%s\n", to_json(*a).dump().c_str());
  } else {
    const auto or_none = [](const std::string& text) { return text.empty() ? "-" : text.c_str(); };
    std::printf(
        "system_id:      %s\nmax_binds:      %u\nthroughput:     %u\nmax_priority:   %u\n"
        "classes:        %s\nwebhook_url:    %s\nwebhook_secret: %s\nmo_url:         %s\n",
        a->system_id.c_str(), a->max_binds, a->throughput, unsigned{a->max_priority},
        join(a->classes).c_str(), or_none(a->webhook_url),
        a->webhook_secret.empty() ? "-" : "(set)", or_none(a->mo_url));
  }
  return exit_ok;
}

int run_remove(const command_context& context, const std::string& system_id) {
  const auto cfg = config::load(context.config_path);
  if (!open_account_store(cfg)->remove(system_id)) {
    return fail(exit_failed, "no account " + system_id);
  }
  std::printf("account %s removed\n", system_id.c_str());
  return exit_ok;
}

int run_passwd(const command_context& context, const std::string& system_id,
               const std::string& password) {
  const auto cfg = config::load(context.config_path);
  if (auto problem = account::check_password(password); !problem.empty()) {
    return fail(exit_bad_usage, problem);
  }
  if (!open_account_store(cfg)->set_password_hash(system_id, account::hash_password(password))) {
    return fail(exit_failed, "no account " + system_id);
  }
  std::printf("password of %s changed\n", system_id.c_str());
  return exit_ok;
}

int run_webhook(const command_context& context, const webhook_options& options) {
  const auto cfg = config::load(context.config_path);
  if (!options.url && !options.secret && !options.mo_url) {
    return fail(exit_bad_usage, "account webhook: give --url, --secret or --mo-url");
  }
  for (const auto* url : {&options.url, &options.mo_url}) {
    if (!*url) continue;
    if (auto problem = account::check_webhook_url(**url); !problem.empty()) {
      return fail(exit_bad_usage, problem + ": \"" + **url + "\"");
    }
  }
  auto store = open_account_store(cfg);
  auto a = store->find(options.system_id);
  if (!a) return fail(exit_failed, "no account " + options.system_id);
  if (options.url) a->webhook_url = *options.url;
  if (options.secret) a->webhook_secret = *options.secret;
  if (options.mo_url) a->mo_url = *options.mo_url;
  if (!store->set_webhooks(a->system_id, a->webhook_url, a->webhook_secret, a->mo_url)) {
    return fail(exit_failed, "no account " + options.system_id);  // removed meanwhile
  }
  std::printf("webhooks of %s changed\n", a->system_id.c_str());
  return exit_ok;
}

}  // namespace

void register_account_commands(CLI::App& app, command_context& context, command_runner& runner) {
  CLI::App* account = app.add_subcommand("account", "manage accounts");
  add_config_option(*account, context);  // also `smppd account --config F list`
  account->require_subcommand(1);

  auto add = std::make_shared<add_options>();
  CLI::App* add_cmd = account->add_subcommand("add", "create an account");
  add_config_option(*add_cmd, context);
  add_cmd->add_option("SYSTEM_ID", add->system_id, "the system_id clients bind with")->required();
  add_cmd->add_option("--password", add->password, "at most 8 characters")->required();
  add_cmd->add_option("--max-binds", add->max_binds, "concurrent binds (default 10)")
      ->check(CLI::Range(1u, 100000u));
  add_cmd->add_option("--throughput", add->throughput, "submit_sm per second, 0 = unlimited");
  add_cmd->add_option("--max-priority", add->max_priority, "0-3; higher priorities are lowered")
      ->check(CLI::Range(0u, 3u));
  add_cmd->add_option("--classes", add->classes, "allowed message classes (default: all)")
      ->delimiter(',')
      ->each([add](const std::string&) { add->classes_given = true; });
  add_cmd->callback(
      [&context, &runner, add] { runner = [&context, add] { return run_add(context, *add); }; });

  auto json = std::make_shared<bool>(false);
  CLI::App* list_cmd = account->add_subcommand("list", "list accounts");
  add_config_option(*list_cmd, context);
  list_cmd->add_flag("--json", *json, "a JSON array");
  list_cmd->callback([&context, &runner, json] {
    runner = [&context, json] { return run_list(context, *json); };
  });

  auto id = std::make_shared<std::string>();
  CLI::App* show_cmd = account->add_subcommand("show", "show one account");
  add_config_option(*show_cmd, context);
  show_cmd->add_option("ID", *id)->required();
  show_cmd->add_flag("--json", *json, "a JSON object");
  show_cmd->callback([&context, &runner, id, json] {
    runner = [&context, id, json] { return run_show(context, *id, *json); };
  });

  CLI::App* remove_cmd = account->add_subcommand("remove", "remove an account");
  add_config_option(*remove_cmd, context);
  remove_cmd->add_option("ID", *id)->required();
  remove_cmd->callback(
      [&context, &runner, id] { runner = [&context, id] { return run_remove(context, *id); }; });

  auto password = std::make_shared<std::string>();
  CLI::App* passwd_cmd = account->add_subcommand("passwd", "change an account's password");
  add_config_option(*passwd_cmd, context);
  passwd_cmd->add_option("ID", *id)->required();
  passwd_cmd->add_option("--password", *password, "at most 8 characters")->required();
  passwd_cmd->callback([&context, &runner, id, password] {
    runner = [&context, id, password] { return run_passwd(context, *id, *password); };
  });

  // CLI11 2.1 has no std::optional options: the strings are read, and whether each option
  // was given is asked once parsing is done.
  struct webhook_values {
    std::string system_id, url, secret, mo_url;
  };
  auto hooks = std::make_shared<webhook_values>();
  CLI::App* webhook_cmd =
      account->add_subcommand("webhook", "set the account's status webhook, its secret, MO URL");
  add_config_option(*webhook_cmd, context);
  webhook_cmd->add_option("SYSTEM_ID", hooks->system_id)->required();
  CLI::Option* url = webhook_cmd->add_option(
      "--url", hooks->url, "status changes are POSTed here (http:// or https://; \"\" = none)");
  CLI::Option* secret = webhook_cmd->add_option(
      "--secret", hooks->secret, "HS256 key of the X-Gwapi-Signature JWT (\"\" = unsigned)");
  CLI::Option* mo_url = webhook_cmd->add_option(
      "--mo-url", hooks->mo_url, "MO messages are POSTed here, not queued for SMPP (\"\" = SMPP)");
  webhook_cmd->callback([&context, &runner, hooks, url, secret, mo_url] {
    webhook_options options;
    options.system_id = hooks->system_id;
    if (url->count() > 0) options.url = hooks->url;
    if (secret->count() > 0) options.secret = hooks->secret;
    if (mo_url->count() > 0) options.mo_url = hooks->mo_url;
    runner = [&context, options] { return run_webhook(context, options); };
  });
}

}  // namespace smppd::cli
