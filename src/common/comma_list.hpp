#pragma once
// A list of names as one comma-separated string: how the stores keep an account's message
// classes and how a NOTIFY names accounts.

#include <string>
#include <string_view>
#include <vector>

namespace smppd {

inline std::string join_commas(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

inline std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace smppd
