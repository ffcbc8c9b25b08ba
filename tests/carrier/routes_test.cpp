#include "carrier/routes.hpp"

#include <gtest/gtest.h>

namespace smppd::carrier {
namespace {

config::route_config route(std::vector<std::string> prefixes, std::vector<std::string> accounts,
                           std::vector<std::string> classes, std::vector<std::string> carriers) {
  return {std::move(prefixes), std::move(accounts), std::move(classes), std::move(carriers)};
}

std::vector<std::string> carriers_of(const route_table& t, std::string_view destination,
                                     std::string_view account = "acme", std::string_view cls = "") {
  const auto* c = t.match(destination, account, cls);
  return c ? *c : std::vector<std::string>{"<none>"};
}

TEST(route_table, the_first_matching_route_in_file_order_wins) {
  const route_table t(
      {route({"45"}, {}, {}, {"a"}), route({"4512"}, {}, {}, {"b"}), route({}, {}, {}, {"c"})});
  EXPECT_EQ(carriers_of(t, "4512345678"), std::vector<std::string>{"a"});  // not the longer one
  EXPECT_EQ(carriers_of(t, "4612345678"), std::vector<std::string>{"c"});
}

TEST(route_table, accounts_and_classes_narrow_a_route) {
  const route_table t({route({}, {"vip"}, {}, {"a"}), route({}, {}, {"premium"}, {"b"}),
                       route({"46"}, {}, {}, {"c", "d"})});
  EXPECT_EQ(carriers_of(t, "4512", "vip"), std::vector<std::string>{"a"});
  EXPECT_EQ(carriers_of(t, "4512", "acme", "premium"), std::vector<std::string>{"b"});
  EXPECT_EQ(carriers_of(t, "4612", "acme", "standard"), (std::vector<std::string>{"c", "d"}));
  // No class: only routes without classes match.
  EXPECT_EQ(carriers_of(t, "4512", "acme", ""), std::vector<std::string>{"<none>"});
}

TEST(route_table, a_leading_plus_is_not_part_of_the_number) {
  const route_table t({route({"45"}, {}, {}, {"a"})});
  EXPECT_EQ(carriers_of(t, "+4512"), std::vector<std::string>{"a"});
  EXPECT_EQ(carriers_of(t, "4+512"), std::vector<std::string>{"<none>"});
}

TEST(mo_route_table, the_longest_prefix_wins_then_file_order) {
  const mo_route_table t(std::vector<config::mo_route_config>{
      {{"45"}, "short"}, {{"4512345"}, "long"}, {{"4512345"}, "later"}, {{}, "anything"}});
  EXPECT_EQ(t.account_for("4512345"), "long");
  EXPECT_EQ(t.account_for("+45123456"), "long");
  EXPECT_EQ(t.account_for("4599"), "short");
  EXPECT_EQ(t.account_for("4699"), "anything");
}

TEST(mo_route_table, nothing_matches_without_a_catch_all) {
  const mo_route_table t(std::vector<config::mo_route_config>{{{"4512345"}, "acme"}});
  EXPECT_FALSE(t.account_for("4400000000").has_value());
  EXPECT_FALSE(
      mo_route_table(std::vector<config::mo_route_config>{}).account_for("4512345").has_value());
}

}  // namespace
}  // namespace smppd::carrier
