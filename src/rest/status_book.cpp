#include "rest/status_book.hpp"

#include <nlohmann/json.hpp>

#include "rest/compose.hpp"

namespace smppd::rest {
namespace {

using json = nlohmann::json;

}  // namespace

void status_book::add(message_status message) {
  std::lock_guard lock(mutex_);
  const auto id = message.id;
  const auto now = message.created_at;
  recipients_ += message.recipients.size();
  for (std::uint32_t i = 0; i < message.recipients.size(); ++i)
    slot_of_[message.recipients[i].message_id] = i;
  messages_.insert_or_assign(id, std::move(message));
  order_.push_back(id);
  evict(now);
}

void status_book::update(std::uint64_t id, std::uint64_t message_id, std::string status,
                         std::uint32_t error_code, wall_time at) {
  std::lock_guard lock(mutex_);
  const auto it = messages_.find(id);
  const auto slot = slot_of_.find(message_id);
  if (it == messages_.end() || slot == slot_of_.end() ||
      slot->second >= it->second.recipients.size()) {
    return;
  }
  auto& r = it->second.recipients[slot->second];
  if (r.message_id != message_id) return;
  r.status = std::move(status);
  r.error_code = error_code;
  r.at = at;
}

std::optional<message_status> status_book::find(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  const auto it = messages_.find(id);
  if (it == messages_.end()) return std::nullopt;
  return it->second;
}

void status_book::evict(wall_time now) {
  while (!order_.empty()) {
    const auto it = messages_.find(order_.front());
    if (it == messages_.end()) {
      order_.pop_front();
      continue;
    }
    const bool too_old = it->second.created_at + retention_ < now;
    if (!too_old && recipients_ <= max_recipients_) break;
    recipients_ -= it->second.recipients.size();
    const auto& gone = it->second.recipients;
    for (std::uint32_t i = 0; i < gone.size(); ++i) {
      const auto slot = slot_of_.find(gone[i].message_id);
      if (slot != slot_of_.end() && slot->second == i) slot_of_.erase(slot);
    }
    messages_.erase(it);
    order_.pop_front();
  }
}

std::string status_book::to_json(const message_status& m) {
  const sms_request& r = m.request;
  json out;
  out["id"] = m.id;
  out["sender"] = r.sender.empty() ? std::string(default_sender) : r.sender;
  out["message"] = r.message;
  out["class"] = r.message_class.empty() ? json(nullptr) : json(r.message_class);
  out["priority"] = std::string(priority_names[r.priority & 3]);
  out["userref"] = r.userref.empty() ? json(nullptr) : json(r.userref);
  out["label"] = r.label.empty() ? json(nullptr) : json(r.label);
  out["callback_url"] = r.callback_url.empty() ? json(nullptr) : json(r.callback_url);
  out["sendtime"] = r.sendtime ? json(*r.sendtime) : json(nullptr);
  out["validity_period"] = r.validity_period ? json(*r.validity_period) : json(nullptr);
  out["encoding"] = r.encoding == text_encoding::ucs2 ? "UCS2" : "UTF8";
  out["destaddr"] = r.flash ? "DISPLAY" : "MOBILE";
  out["max_parts"] = r.max_parts;
  out["created"] = unix_seconds(m.created_at);
  json recipients = json::array();
  for (const auto& s : m.recipients) {
    json one;
    one["msisdn"] = std::stoull(s.msisdn);
    one["dsnstatus"] = s.status;
    one["dsnerror"] = s.error_code != 0 ? json(s.status) : json(nullptr);
    if (s.error_code != 0) {
      char code[16];
      std::snprintf(code, sizeof code, "0x%04X", s.error_code);
      one["dsnerrorcode"] = code;
    } else {
      one["dsnerrorcode"] = nullptr;
    }
    one["dsntime"] = s.at == wall_time{} ? json(nullptr) : json(unix_seconds(s.at));
    recipients.push_back(std::move(one));
  }
  out["recipients"] = std::move(recipients);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace smppd::rest
