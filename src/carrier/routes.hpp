#pragma once
// Where a message goes and whose an MO is (contract, "Carriers": [[route]] and [[mo_route]]).
// Pure lookups over the configuration, built once.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace smppd::carrier {

// [[route]]: the first route in file order whose destination prefixes, accounts and message
// classes all match (an empty list matches anything; a message without TLV 0x2900 has the
// class "", which only an empty list matches).
class route_table {
 public:
  explicit route_table(std::vector<config::route_config> routes);
  bool empty() const noexcept { return routes_.empty(); }
  // The matching route's carriers in order, or nullptr when none matches.
  const std::vector<std::string>* match(std::string_view destination_addr,
                                        std::string_view system_id,
                                        std::string_view message_class) const;

 private:
  std::vector<config::route_config> routes_;
};

// [[mo_route]]: the longest matching destination prefix wins (one without prefixes matches
// everything as a prefix of length 0); the first in file order on a tie.
class mo_route_table {
 public:
  explicit mo_route_table(std::vector<config::mo_route_config> routes);
  bool empty() const noexcept { return routes_.empty(); }
  std::optional<std::string> account_for(std::string_view destination_addr) const;

 private:
  std::vector<config::mo_route_config> routes_;
};

}  // namespace smppd::carrier
