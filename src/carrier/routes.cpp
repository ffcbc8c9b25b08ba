#include "carrier/routes.hpp"

#include <algorithm>

namespace smppd::carrier {
namespace {

// Destinations are matched as digits: one leading '+' is not part of the number.
std::string_view number(std::string_view address) {
  if (address.starts_with('+')) address.remove_prefix(1);
  return address;
}

bool any_or_contains(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool any_prefix(const std::vector<std::string>& prefixes, std::string_view destination) {
  return prefixes.empty() || std::any_of(prefixes.begin(), prefixes.end(),
                                         [&](const auto& p) { return destination.starts_with(p); });
}

}  // namespace

route_table::route_table(std::vector<config::route_config> routes) : routes_(std::move(routes)) {}

const std::vector<std::string>* route_table::match(std::string_view destination_addr,
                                                   std::string_view system_id,
                                                   std::string_view message_class) const {
  const auto destination = number(destination_addr);
  for (const auto& r : routes_) {
    if (!any_prefix(r.prefixes, destination)) continue;
    if (!any_or_contains(r.accounts, system_id)) continue;
    if (!any_or_contains(r.classes, message_class)) continue;
    return &r.carriers;
  }
  return nullptr;
}

mo_route_table::mo_route_table(std::vector<config::mo_route_config> routes)
    : routes_(std::move(routes)) {}

std::optional<std::string> mo_route_table::account_for(std::string_view destination_addr) const {
  const auto destination = number(destination_addr);
  const config::mo_route_config* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& r : routes_) {
    if (r.prefixes.empty()) {
      if (best == nullptr) best = &r;
      continue;
    }
    for (const auto& p : r.prefixes) {
      if (destination.starts_with(p) && (best == nullptr || p.size() > best_length)) {
        best = &r;
        best_length = p.size();
      }
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->account;
}

}  // namespace smppd::carrier
