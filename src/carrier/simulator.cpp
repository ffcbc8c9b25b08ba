#include "carrier/simulator.hpp"

#include <algorithm>
#include <span>

#include "text/segmentation.hpp"

namespace smppd::carrier {
namespace {

dlr::receipt_status status_of(const std::string& name, std::string_view key) {
  // parse_status also takes long forms ("DELIVERED"); the config names the short ones.
  const auto status = dlr::parse_status(name);
  if (!status || dlr::to_string(*status) != name) {
    throw config::config_error(std::string(key) + ": unknown status \"" + name + "\"");
  }
  return *status;
}

}  // namespace

simulator::simulator(const config::simulator_config& config) {
  default_.status = status_of(config.default_status, "simulator.default_status");
  default_.delay = std::chrono::milliseconds(config.default_delay_ms);
  for (const auto& rule : config.rules) {
    verdict v;
    v.status = status_of(rule.status, "simulator.rule.status");
    v.error = rule.error;
    v.delay = std::chrono::milliseconds(rule.delay_ms);
    v.enroute_first = rule.enroute_first;
    if (by_prefix_.try_emplace(rule.prefix, v).second) {  // first rule for a prefix wins
      prefix_lengths_.push_back(rule.prefix.size());
    }
  }
  std::sort(prefix_lengths_.begin(), prefix_lengths_.end(), std::greater<>());
  prefix_lengths_.erase(std::unique(prefix_lengths_.begin(), prefix_lengths_.end()),
                        prefix_lengths_.end());
}

verdict simulator::decide(std::string_view destination_addr) const {
  // One hash lookup per distinct prefix length (at most 16 for a 15-digit address).
  std::string key;
  for (const std::size_t length : prefix_lengths_) {
    if (length > destination_addr.size()) continue;
    key.assign(destination_addr.substr(0, length));
    if (const auto it = by_prefix_.find(key); it != by_prefix_.end()) return it->second;
  }
  return default_;
}

std::size_t simulator::parts(const core::message_record& message) noexcept {
  const auto counted = text::count_parts(message.data_coding, std::span(message.payload));
  if (counted) return std::max<std::size_t>(*counted, 1);
  return std::max<std::size_t>(message.parts, 1);
}

}  // namespace smppd::carrier
