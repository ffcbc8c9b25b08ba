#pragma once
// Plumbing shared by the interop tests: the repo root, child processes with a time limit,
// hex, and a pcap writer that wraps raw PDUs in Ethernet/IPv4/TCP for tshark.

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.hpp"
#include "support/process.hpp"

namespace smppd::interop {

// The source tree (SMPPD_SOURCE_DIR, set by tests/interop/CMakeLists.txt).
std::string source_dir();

// A scratch directory for this test binary's files, created on first use.
std::string scratch_dir();

using test_support::run_result;

// Runs `command` through /bin/sh with `input` on its standard input, under a time limit
// (tests/support/process.hpp); never hangs longer than `limit` plus a few seconds.
run_result run(const std::string& command, std::string_view input = {},
               std::chrono::seconds limit = std::chrono::seconds(60));

// Starts `argv` in the background with its stdout piped (child_process::read_line) and its
// stderr in `stderr_file`, under coreutils `timeout`: SIGTERM after `limit`, SIGKILL 5 s
// later, so it ends even when the test binary dies without stopping it.
std::unique_ptr<test_support::child_process> start_limited(const std::vector<std::string>& argv,
                                                           std::chrono::seconds limit,
                                                           const std::string& stderr_file);

// True when `program` is on PATH.
bool have_program(const std::string& program);

// Single-quotes `s` for /bin/sh.
std::string shell_quote(std::string_view s);

using test_support::from_hex;
using test_support::to_hex;

std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view content);

// A pcap file (link type Ethernet) in which packet i carries payloads[i] in one TCP segment
// from 127.0.0.1:(40000 + i) to 127.0.0.2:`server_port`: one stream per PDU, so a PDU that
// a dissector misreads cannot disturb the next one. Nothing is sent anywhere.
std::vector<std::uint8_t> make_pcap(const std::vector<std::vector<std::uint8_t>>& payloads,
                                    std::uint16_t server_port = 2775);

// Splits on `sep`, keeping empty fields.
std::vector<std::string> split(std::string_view text, char sep);

}  // namespace smppd::interop
