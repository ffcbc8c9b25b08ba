#include "python_jwt.hpp"

#include "support/process.hpp"

namespace smppd::webhook::testing {

namespace {
const std::string python = "/usr/bin/python3";
}

bool python_jwt_available() {
  test_support::run_options options;
  options.limit = std::chrono::seconds(30);
  return test_support::run({python, "-c", "import jwt"}, options).exit_code == 0;
}

std::optional<std::string> python_jwt_decode(const std::string& token, const std::string& secret) {
  // Token and secret as arguments, not spliced into the script: no quoting to get wrong.
  const std::string script =
      "import json, sys, jwt\n"
      "claims = jwt.decode(sys.argv[1], sys.argv[2], algorithms=['HS256'])\n"
      "print(json.dumps(claims, sort_keys=True, separators=(',', ':'), ensure_ascii=False))\n";
  test_support::run_options options;
  options.limit = std::chrono::seconds(30);
  const auto result = test_support::run({python, "-c", script, token, secret}, options);
  if (result.exit_code != 0) return std::nullopt;
  std::string out = result.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace smppd::webhook::testing
