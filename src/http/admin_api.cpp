#include "http/admin_api.hpp"

#include <openssl/crypto.h>

#include <charconv>
#include <chrono>

#include "account/api_token.hpp"
#include "account/password.hpp"

namespace smppd::http {
namespace {

using json = nlohmann::json;

http_reply reply(int status, const json& body) { return {status, body.dump()}; }
http_reply problem(int status, std::string message) {
  return reply(status, json{{"error", std::move(message)}});
}

bool token_matches(std::string_view given, const std::string& expected) {
  return !expected.empty() && given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

json account_json(const account::account& a) {
  return {{"system_id", a.system_id},   {"max_binds", a.max_binds},
          {"throughput", a.throughput}, {"max_priority", a.max_priority},
          {"classes", a.classes},       {"webhook_url", a.webhook_url},
          {"mo_url", a.mo_url},         {"webhook_secret_set", !a.webhook_secret.empty()}};
}

json token_json(const account::api_token& t) {
  return {{"id", t.id},
          {"system_id", t.system_id},
          {"label", t.label},
          {"created_at", t.created_at_unix}};
}

// Reads the limits present in `in` into `a`; "" when fine, else what is wrong.
std::string read_limits(const json& in, account::account& a) {
  const auto number = [&](const char* key, auto& out, std::uint64_t max) -> std::string {
    if (!in.contains(key)) return {};
    const auto& v = in[key];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
      return std::string(key) + ": expected an integer 0.." + std::to_string(max);
    out = static_cast<std::remove_reference_t<decltype(out)>>(v.get<std::uint64_t>());
    return {};
  };
  if (auto e = number("max_binds", a.max_binds, 100000); !e.empty()) return e;
  if (auto e = number("throughput", a.throughput, 10000000); !e.empty()) return e;
  if (auto e = number("max_priority", a.max_priority, 3); !e.empty()) return e;
  if (in.contains("classes")) {
    const auto& c = in["classes"];
    if (!c.is_array()) return "classes: expected an array of strings";
    a.classes.clear();
    for (const auto& name : c) {
      if (!name.is_string()) return "classes: expected an array of strings";
      a.classes.push_back(name.get<std::string>());
    }
  }
  return {};
}

std::string text_field(const json& in, const char* key, std::string& out) {
  if (!in.contains(key)) return {};
  if (!in[key].is_string()) return std::string(key) + ": expected a string";
  out = in[key].get<std::string>();
  return {};
}

std::string_view next_segment(std::string_view& path) {
  if (path.starts_with('/')) path.remove_prefix(1);
  const auto slash = path.find('/');
  const auto segment = path.substr(0, slash);
  path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  return segment;
}

}  // namespace

http_reply admin_api::handle(std::string_view method, std::string_view path,
                             std::string_view authorization, std::string_view body) {
  constexpr std::string_view bearer = "Bearer ";
  if (!authorization.starts_with(bearer) ||
      !token_matches(authorization.substr(bearer.size()), deps_.admin_token)) {
    return problem(401, "missing or wrong admin token (Authorization: Bearer ...)");
  }
  json in = json::object();
  if (!body.empty()) {
    in = json::parse(body, nullptr, false);
    if (in.is_discarded() || !in.is_object()) return problem(400, "expected a JSON object");
  }
  try {
    std::string_view rest = path;
    const auto what = next_segment(rest);
    if (what == "accounts") return accounts(method, rest, in);
    if (what == "tokens" && method == "DELETE") {
      const auto id = next_segment(rest);
      if (!deps_.accounts.remove_token(id)) return problem(404, "no such token");
      return {204, {}};
    }
    if (what == "sessions") {
      if (rest.empty() && method == "GET") return reply(200, deps_.sessions());
      const auto id_text = next_segment(rest);
      std::uint64_t id = 0;
      const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
      if (method != "DELETE" || ec != std::errc() || end != id_text.data() + id_text.size())
        return problem(405, "GET /sessions or DELETE /sessions/ID");
      if (!deps_.unbind(id)) return problem(404, "no such session");
      deps_.log->info("admin: session {} unbound", id);
      return {204, {}};
    }
    if (what == "carriers" && method == "GET") return reply(200, deps_.carriers());
    if (what == "queues" && method == "GET") return reply(200, deps_.queues());
    return problem(404, "no such admin resource");
  } catch (const std::exception& e) {
    deps_.log->warn("admin: {}", e.what());
    return problem(503, std::string("the account store cannot be used now: ") + e.what());
  }
}

http_reply admin_api::accounts(std::string_view method, std::string_view rest, const json& in) {
  if (rest.empty()) {
    if (method == "GET") {
      json out = json::array();
      for (const auto& a : deps_.accounts.list()) out.push_back(account_json(a));
      return reply(200, out);
    }
    if (method != "POST") return problem(405, "GET or POST /accounts");
    account::account a;
    if (auto e = text_field(in, "system_id", a.system_id); !e.empty()) return problem(400, e);
    if (auto e = account::check_system_id(a.system_id); !e.empty()) return problem(400, e);
    std::string password = account::random_password();
    if (auto e = text_field(in, "password", password); !e.empty()) return problem(400, e);
    if (auto e = account::check_password(password); !e.empty()) return problem(400, e);
    a.classes = deps_.default_classes;
    if (auto e = read_limits(in, a); !e.empty()) return problem(400, e);
    a.password_hash = account::hash_password(password);
    if (!deps_.accounts.add(a)) return problem(409, "account " + a.system_id + " exists");
    deps_.log->info("admin: account {} created", a.system_id);
    auto out = account_json(a);
    out["password"] = password;  // shown this once
    return reply(201, out);
  }
  const std::string id(next_segment(rest));
  return account(method, id, rest, in);
}

http_reply admin_api::account(std::string_view method, const std::string& id, std::string_view rest,
                              const json& in) {
  auto found = deps_.accounts.find(id);
  if (!found) return problem(404, "no account " + id);
  const auto what = next_segment(rest);
  if (what.empty()) {
    if (method == "GET") return reply(200, account_json(*found));
    if (method == "DELETE") {
      deps_.accounts.remove(id);
      deps_.log->info("admin: account {} removed", id);
      return {204, {}};
    }
    if (method != "PATCH" && method != "PUT") return problem(405, "GET, PATCH or DELETE");
    if (auto e = read_limits(in, *found); !e.empty()) return problem(400, e);
    std::string url = found->webhook_url, secret = found->webhook_secret, mo = found->mo_url;
    for (const auto& [key, out] : {std::pair<const char*, std::string*>{"webhook_url", &url},
                                   {"webhook_secret", &secret},
                                   {"mo_url", &mo}}) {
      if (auto e = text_field(in, key, *out); !e.empty()) return problem(400, e);
    }
    for (const auto* u : {&url, &mo}) {
      if (auto e = account::check_webhook_url(*u); !e.empty()) return problem(400, e);
    }
    deps_.accounts.set_limits(*found);
    deps_.accounts.set_webhooks(id, url, secret, mo);
    deps_.log->info("admin: account {} updated", id);
    return reply(200, account_json(*deps_.accounts.find(id)));
  }
  if (what == "password" && method == "POST") {
    const auto password = account::random_password();
    deps_.accounts.set_password_hash(id, account::hash_password(password));
    deps_.log->info("admin: password of {} reset", id);
    return reply(200, json{{"system_id", id}, {"password", password}});  // shown this once
  }
  if (what == "tokens") {
    if (method == "GET") {
      json out = json::array();
      for (const auto& t : deps_.accounts.list_tokens(id)) out.push_back(token_json(t));
      return reply(200, out);
    }
    if (method != "POST") return problem(405, "GET or POST /accounts/ID/tokens");
    std::string label;
    if (auto e = text_field(in, "label", label); !e.empty()) return problem(400, e);
    const auto secret = account::new_token_secret();
    account::api_token t{account::new_token_id(), id, label, account::hash_token(secret),
                         std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()};
    if (!deps_.accounts.add_token(t)) return problem(404, "no account " + id);
    deps_.log->info("admin: token {} of {} added", t.id, id);
    auto out = token_json(t);
    out["token"] = secret;  // shown this once
    return reply(201, out);
  }
  return problem(404, "no such admin resource");
}

}  // namespace smppd::http
