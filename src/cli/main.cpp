// The single binary's entry point. Exceptions are for start-up and configuration: they become
// a one-line message and exit status 2.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "common/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"smppd: an SMPP 3.4 SMS gateway"};
  app.set_version_flag("--version", std::string("smppd ") + smppd::version());
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "smppd: %s\n", e.what());
    return 2;
  }
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
  }
  return 0;
}
