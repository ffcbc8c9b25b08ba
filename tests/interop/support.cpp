#include "support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace smppd::interop {

std::string source_dir() { return SMPPD_SOURCE_DIR; }

namespace {

// Removed when the test binary exits, unless SMPPD_INTEROP_KEEP is set (to look at the
// pcap and the children's output after a failure).
struct scratch {
  std::string path;
  scratch() {
    std::string templ = (std::filesystem::temp_directory_path() / "smppd-interop-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = templ;
  }
  ~scratch() {
    std::error_code ignored;
    if (std::getenv("SMPPD_INTEROP_KEEP") == nullptr) std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

std::string scratch_dir() {
  static const scratch dir;
  return dir.path;
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

run_result run(const std::string& command, std::string_view input, std::chrono::seconds limit) {
  static int counter = 0;
  test_support::run_options options;
  options.input = input;
  options.limit = limit;
  options.keep_files_as = scratch_dir() + "/run" + std::to_string(++counter);
  return test_support::run({"/bin/sh", "-c", command}, options);
}

std::unique_ptr<test_support::child_process> start_limited(const std::vector<std::string>& argv,
                                                           std::chrono::seconds limit,
                                                           const std::string& stderr_file) {
  test_support::spawn_options spawn;
  spawn.argv = {"timeout", "--kill-after=5", std::to_string(limit.count())};
  spawn.argv.insert(spawn.argv.end(), argv.begin(), argv.end());
  spawn.stderr_file = stderr_file;
  spawn.pipe_stdout = true;
  return std::make_unique<test_support::child_process>(spawn);
}

bool have_program(const std::string& program) {
  return run("command -v " + shell_quote(program), {}, std::chrono::seconds(10)).exit_code == 0;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

namespace {

void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_le16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_be16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint16_t ipv4_checksum(std::span<const std::uint8_t> header) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < header.size(); i += 2) {
    sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
  }
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace

std::vector<std::uint8_t> make_pcap(const std::vector<std::vector<std::uint8_t>>& payloads,
                                    std::uint16_t server_port) {
  std::vector<std::uint8_t> out;
  put_le32(out, 0xA1B2C3D4);  // pcap magic, microsecond timestamps
  put_le16(out, 2);
  put_le16(out, 4);
  put_le32(out, 0);       // thiszone
  put_le32(out, 0);       // sigfigs
  put_le32(out, 262144);  // snaplen
  put_le32(out, 1);       // LINKTYPE_ETHERNET
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto& payload = payloads[i];
    std::vector<std::uint8_t> frame;
    // Ethernet: destination, source, EtherType IPv4.
    for (std::uint8_t b : {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1}) frame.push_back(b);
    put_be16(frame, 0x0800);
    // IPv4, 20 octets, no options.
    const std::size_t ip_start = frame.size();
    const auto total = static_cast<std::uint16_t>(20 + 20 + payload.size());
    frame.push_back(0x45);
    frame.push_back(0);
    put_be16(frame, total);
    put_be16(frame, static_cast<std::uint16_t>(i + 1));  // identification
    put_be16(frame, 0x4000);                             // don't fragment
    frame.push_back(64);                                 // TTL
    frame.push_back(6);                                  // TCP
    put_be16(frame, 0);                                  // checksum, filled below
    for (std::uint8_t b : {127, 0, 0, 1, 127, 0, 0, 2}) frame.push_back(b);
    const std::uint16_t sum = ipv4_checksum({frame.data() + ip_start, 20});
    frame[ip_start + 10] = static_cast<std::uint8_t>(sum >> 8);
    frame[ip_start + 11] = static_cast<std::uint8_t>(sum);
    // TCP, 20 octets: PSH+ACK; the checksum stays 0 (tshark does not verify it by default).
    put_be16(frame, static_cast<std::uint16_t>(40000 + i));
    put_be16(frame, server_port);
    put_be32(frame, 1);  // sequence number
    put_be32(frame, 1);  // acknowledgment number
    frame.push_back(0x50);
    frame.push_back(0x18);
    put_be16(frame, 65535);  // window
    put_be16(frame, 0);      // checksum
    put_be16(frame, 0);      // urgent pointer
    frame.insert(frame.end(), payload.begin(), payload.end());

    put_le32(out, static_cast<std::uint32_t>(1700000000 + i));  // seconds
    put_le32(out, 0);                                           // microseconds
    put_le32(out, static_cast<std::uint32_t>(frame.size()));    // captured length
    put_le32(out, static_cast<std::uint32_t>(frame.size()));    // original length
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

}  // namespace smppd::interop
