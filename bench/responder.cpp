// smppd_responder: a trivial SMPP server that answers as fast as it can, so `smppd bench`
// can show it is not the bottleneck. Prints "listening HOST:PORT" once ready.
//   smppd_responder [--host 127.0.0.1] [--port 0] [--receipts] [--threads 1]
#include "support/responder.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned port = 0;
  unsigned threads = 1;
  smppd::test_support::responder_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--host" && has_value) {
      host = argv[++i];
    } else if (arg == "--port" && has_value) {
      port = static_cast<unsigned>(std::atoi(argv[++i]));
    } else if (arg == "--threads" && has_value) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (arg == "--receipts") {
      options.receipts = true;
    } else if (arg == "--silent") {
      options.behaviour = smppd::test_support::responder_options::mode::silent;
    } else {
      std::fprintf(
          stderr,
          "usage: smppd_responder [--host H] [--port P] [--receipts] [--silent] [--threads N]\n");
      return 2;
    }
  }
  try {
    asio::io_context io(static_cast<int>(threads));
    auto r =
        smppd::test_support::responder::create(io, host, static_cast<std::uint16_t>(port), options);
    r->start();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const std::error_code&, int) {
      r->stop();
      io.stop();
    });
    std::printf("listening %s:%u\n", host.c_str(), static_cast<unsigned>(r->port()));
    std::fflush(stdout);
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
    std::fprintf(stderr, "responder: %llu connections, %llu submits, %llu receipts\n",
                 static_cast<unsigned long long>(r->stats().connections.load()),
                 static_cast<unsigned long long>(r->stats().submits.load()),
                 static_cast<unsigned long long>(r->stats().receipts_sent.load()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "smppd_responder: %s\n", e.what());
    return 2;
  }
  return 0;
}
