// Perl's Net::SMPP (Debian libnet-smpp-perl) as an ESME against the real `smppd serve`, over
// plain TCP and TLS (IO::Socket::SSL), delivery receipts included. perl/server_client.pl
// asserts with Test::More and a plan; here the server is started, the script run under a time
// limit, and its TAP checked: exit 0, the whole plan run, no "not ok". A missing module fails,
// never skips.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "harness.hpp"
#include "support.hpp"

namespace smppd::interop {
namespace {

using namespace std::chrono_literals;

// The script's receipt checks: 4599... fails at once with UNDELIV, gateway error 0x107E;
// everything else is DELIVRD after the simulator's default 50 ms.
constexpr const char* simulator_rules = R"([[simulator.rule]]
prefix = "4599"
status = "UNDELIV"
error = 0x107E
delay_ms = 0
)";

TEST(net_smpp_esme, binds_submits_receives_receipts_and_unbinds_over_plain_tcp_and_tls) {
  ASSERT_TRUE(have_program("perl")) << "perl is not on PATH";
  testing::scratch_dir dir;
  dir.write_config("", simulator_rules);
  const auto added = testing::add_account(dir, "perlesme", "perl-pw");
  ASSERT_EQ(added.exit_status, 0) << added.err;
  testing::server_process server(dir);
  ASSERT_NE(server.port(), 0);
  ASSERT_NE(server.tls_port(), 0);

  const std::string script = source_dir() + "/tests/interop/perl/server_client.pl";
  const run_result r =
      run("exec perl " + shell_quote(script) + " 127.0.0.1 " + std::to_string(server.port()) + " " +
              std::to_string(server.tls_port()) + " perlesme perl-pw",
          {}, 60s);
  const std::string tap = r.out + "\n--- stderr\n" + r.err;
  EXPECT_FALSE(r.timed_out()) << "the Perl client did not finish within 60 s\n" << tap;
  EXPECT_EQ(r.exit_code, 0) << tap << "\n--- smppd log\n" << server.log();
  EXPECT_EQ(r.out.find("not ok"), std::string::npos) << tap;
  EXPECT_EQ(r.out.rfind("1..132", 0), 0u) << "the plan is the first line\n" << tap;
  EXPECT_NE(r.out.find("\nok 132 - "), std::string::npos) << "the whole plan ran\n" << tap;
  EXPECT_TRUE(server.running()) << server.log();
}

}  // namespace
}  // namespace smppd::interop
