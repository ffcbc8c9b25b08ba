#include "http/rest_api.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "account/api_token.hpp"
#include "rest/compose.hpp"

namespace smppd::http {
namespace {

using rest::rest_error;
namespace errors = rest::errors;

std::string incident_uuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) std::fill(std::begin(b), std::end(b), 0);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 15]);
  }
  return out;
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// A form never starts with '{' or '[', while `curl -d '{...}'` labels JSON as a form.
bool looks_like_json(std::string_view content_type, std::string_view body) {
  if (content_type.find("json") != std::string_view::npos) return true;
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

// The engine's answer for a message it did not take, as the REST client sees it.
rest_error refused(smpp::command_status status) {
  switch (status) {
    case smpp::command_status::esme_rmsgqful:
    case smpp::command_status::esme_rsyserr:
      return errors::unavailable("the message store cannot take messages now; try again");
    case smpp::command_status::esme_rthrottled:
      return {429, "0x0230", "the gateway is throttling this traffic; try again later", {}};
    default:
      return {422,
              "0x0312",
              "refused by the gateway: " + std::string(smpp::to_string(status)),
              {std::string(smpp::to_string(status))}};
  }
}

}  // namespace

rest_api::rest_api(rest_dependencies deps) : deps_(std::move(deps)) {}

http_reply rest_api::error(const rest_error& e) {
  const auto uuid = incident_uuid();
  if (e.http_status >= 500) deps_.log->warn("REST: {} (incident {})", e.message, uuid);
  return {e.http_status, rest::to_json(e, uuid)};
}

std::optional<account::account> rest_api::cached_account(std::string_view system_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto it = accounts_.find(system_id);
    if (it != accounts_.end() && now - it->second.read_at < deps_.cache_for)
      return it->second.account;
  }
  auto account = deps_.accounts.find(system_id);  // outside the lock: it may be slow
  std::lock_guard lock(mutex_);
  accounts_.insert_or_assign(std::string(system_id), cached{account, now});
  return account;
}

std::optional<account::account> rest_api::authenticate(std::string_view token) {
  if (token.empty()) return std::nullopt;
  const auto hash = account::hash_token(token);
  const auto now = std::chrono::steady_clock::now();
  std::string system_id;
  {
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(hash);
    if (it != tokens_.end() && now - it->second.second < deps_.cache_for)
      system_id = it->second.first;
  }
  if (system_id.empty()) {
    const auto found = deps_.accounts.find_token(hash);
    if (!found) return std::nullopt;
    system_id = found->system_id;
    std::lock_guard lock(mutex_);
    tokens_.insert_or_assign(hash, std::make_pair(system_id, now));
  }
  return cached_account(system_id);
}

std::variant<account::account, http_reply> rest_api::authorize(std::string_view token) {
  try {
    if (auto account = authenticate(token)) return std::move(*account);
    return error(errors::invalid_token());
  } catch (const std::exception& e) {
    return error(errors::unavailable(std::string("accounts cannot be read: ") + e.what()));
  }
}

std::string rest_api::mo_url(std::string_view system_id) {
  const auto a = cached_account(system_id);
  return a ? a->mo_url : std::string();
}

std::string rest_api::webhook_secret(std::string_view system_id) {
  const auto a = cached_account(system_id);
  return a ? a->webhook_secret : std::string();
}

void rest_api::send(std::string_view token, std::string_view content_type, std::string_view body,
                    query_fields fields, reply_fn reply) {
  auto account = authorize(token);
  if (auto* refused = std::get_if<http_reply>(&account)) {
    reply(std::move(*refused));
    return;
  }
  if (body.size() > max_body_bytes) {
    reply(error(errors::body_too_large(max_body_bytes)));
    return;
  }
  rest::parse_result parsed;
  if (!body.empty() && looks_like_json(content_type, body)) {
    parsed = rest::parse_json(body);
  } else {
    if (!body.empty()) {
      auto form = rest::parse_urlencoded(body);
      if (!form) {
        reply(error(errors::unsupported_parameter("body", "malformed form encoding")));
        return;
      }
      fields.insert(fields.end(), form->begin(), form->end());
    }
    parsed = rest::parse_fields(fields);
  }
  if (auto* e = std::get_if<rest_error>(&parsed)) {
    reply(error(*e));
    return;
  }
  submit(std::get<account::account>(account),
         std::move(std::get<std::vector<rest::sms_request>>(parsed)), std::move(reply));
}

void rest_api::submit(const account::account& account, std::vector<rest::sms_request> requests,
                      reply_fn reply) {
  const auto now = deps_.clock->now();
  const rest::account_policy policy{account.system_id, account.classes, account.max_priority,
                                    account.webhook_url};
  std::vector<std::vector<core::message_record>> messages;
  std::size_t total = 0;
  for (const auto& r : requests) {
    auto composed = rest::compose(r, policy, now);
    if (auto* e = std::get_if<rest_error>(&composed)) {
      reply(error(*e));
      return;
    }
    auto& records = std::get<std::vector<core::message_record>>(composed);
    total += records.size();
    messages.push_back(std::move(records));
  }
  {
    std::lock_guard lock(mutex_);
    auto it = throttles_.find(account.system_id);
    if (it == throttles_.end() || it->second.per_second() != account.throughput) {
      it = throttles_
               .insert_or_assign(
                   account.system_id,
                   account::throttle(account.throughput, std::chrono::steady_clock::now()))
               .first;
    }
    if (!it->second.try_acquire(std::chrono::steady_clock::now(),
                                static_cast<std::uint32_t>(total))) {
      reply(error(errors::over_throughput(account.throughput)));
      return;
    }
  }

  // Ids first, and the status book, so that a status that comes back at once finds them.
  std::vector<std::uint64_t> ids;
  for (std::size_t m = 0; m < messages.size(); ++m) {
    rest::message_status status{0, account.system_id, std::move(requests[m]), {}, now};
    const bool scheduled = !messages[m].empty() && messages[m][0].schedule_delivery_time;
    if (!messages[m].empty()) status.request.priority = messages[m][0].priority;  // as capped
    for (auto& record : messages[m]) {
      record.id = deps_.next_id(now);
      record.batch_id = status.id == 0 ? record.id : status.id;
      if (status.id == 0) status.id = record.id;
      status.recipients.push_back(
          {record.destination_addr, record.id, scheduled ? "SCHEDULED" : "ENROUTE", 0, {}});
    }
    status.request.recipients.clear();
    ids.push_back(status.id);
    book_.add(std::move(status));
  }

  std::vector<core::message_record> all;
  all.reserve(total);
  for (auto& records : messages) {
    for (auto& record : records) all.push_back(std::move(record));
  }
  deps_.sink.accept(std::move(all), [this, ids = std::move(ids), reply = std::move(reply)](
                                        std::span<const smpp::command_status> statuses) {
    const auto worst = std::find_if(statuses.begin(), statuses.end(), [](smpp::command_status s) {
      return s != smpp::command_status::esme_rok;
    });
    if (worst != statuses.end()) {
      reply(error(refused(*worst)));
      return;
    }
    reply({200, nlohmann::json{{"ids", ids}}.dump()});
  });
}

http_reply rest_api::status(std::string_view token, std::string_view id_text) {
  auto account = authorize(token);
  if (auto* refused = std::get_if<http_reply>(&account)) return std::move(*refused);
  const auto id = parse_id(id_text);
  const auto found = id ? book_.find(*id) : std::nullopt;
  if (!found || found->system_id != std::get<account::account>(account).system_id)
    return error(errors::not_found(std::string(id_text)));
  return {200, rest::status_book::to_json(*found)};
}

void rest_api::remove(std::string_view token, std::string_view id_text, reply_fn reply) {
  auto account = authorize(token);
  if (auto* refused = std::get_if<http_reply>(&account)) {
    reply(std::move(*refused));
    return;
  }
  const auto id = parse_id(id_text);
  const auto found = id ? book_.find(*id) : std::nullopt;
  const rest_error gone{410, "0x0410", "not a scheduled message that has not been sent", {}};
  if (!found || found->system_id != std::get<account::account>(account).system_id) {
    reply(error(gone));
    return;
  }
  std::vector<std::uint64_t> waiting;
  for (const auto& r : found->recipients) {
    if (r.status == "SCHEDULED") waiting.push_back(r.message_id);
  }
  if (waiting.empty()) {
    reply(error(gone));
    return;
  }
  deps_.cancel(std::move(waiting), [this, reply = std::move(reply), gone](std::size_t n) {
    if (n == 0)
      reply(error(gone));
    else
      reply({204, {}});
  });
}

void rest_api::on_status(std::uint64_t rest_id, std::uint64_t message_id, std::string_view status,
                         std::uint32_t error_code, wall_time at) {
  book_.update(rest_id, message_id, std::string(status), error_code, at);
}

}  // namespace smppd::http
