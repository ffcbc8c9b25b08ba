#pragma once
// /metrics: what the process counts, as one Prometheus text page (exposition format 0.0.4),
// names smppd_*. The snapshot is filled by whoever owns the counters (cli/serve); this only
// writes it. Pure.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/latency_histogram.hpp"

namespace smppd::http {

struct metrics_snapshot {
  std::array<std::int64_t, 3> sessions{};  // bound: transmitter, receiver, transceiver
  std::vector<std::pair<std::string, std::uint64_t>> binds_refused;  // by command_status name
  std::vector<std::pair<std::string, std::uint64_t>> submits;        // by command_status name
  std::vector<std::pair<std::string, std::uint64_t>> final_states;   // by state name
  std::uint64_t receipts_pending = 0;
  std::uint64_t receipts_dropped = 0;
  latency_histogram::snapshot store_commit;
  struct carrier {
    std::string name;
    std::uint64_t sessions = 0;
    std::uint64_t queue = 0;
    std::uint64_t in_flight = 0;
  };
  std::vector<carrier> carriers;
  struct http_count {
    std::string route;
    int status = 0;
    std::uint64_t count = 0;
  };
  std::vector<http_count> http_requests;
  std::uint64_t webhooks_pending = 0;
  std::uint64_t webhooks_delivered = 0;
  std::uint64_t webhooks_failed_attempts = 0;
  std::uint64_t webhooks_dropped = 0;
};

std::string render_metrics(const metrics_snapshot& m);

}  // namespace smppd::http
