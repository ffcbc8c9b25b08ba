#include "http/metrics_page.hpp"

#include <fmt/format.h>

namespace smppd::http {
namespace {

class page {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, double value) { out_ += fmt::format("{} {}\n", name, value); }
  void sample(std::string_view name, std::string_view labels, double value) {
    out_ += fmt::format("{}{{{}}} {}\n", name, labels, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Label values here are names we chose (statuses, states, routes) or carrier names
// ([a-z0-9_-]+); escaping keeps the page valid whatever they hold.
std::string label(std::string_view key, std::string_view value) {
  std::string out(key);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

void by_label(page& p, std::string_view name, std::string_view key,
              const std::vector<std::pair<std::string, std::uint64_t>>& values) {
  for (const auto& [value, count] : values)
    p.sample(name, label(key, value), static_cast<double>(count));
}

}  // namespace

std::string render_metrics(const metrics_snapshot& m) {
  page p;
  p.family("smppd_sessions", "gauge", "SMPP sessions bound now, by bind type.");
  static constexpr const char* bind_names[] = {"transmitter", "receiver", "transceiver"};
  for (std::size_t i = 0; i < m.sessions.size(); ++i)
    p.sample("smppd_sessions", label("bind", bind_names[i]), static_cast<double>(m.sessions[i]));

  p.family("smppd_binds_refused_total", "counter", "Binds refused, by command_status.");
  by_label(p, "smppd_binds_refused_total", "status", m.binds_refused);
  p.family("smppd_submit_sm_total", "counter", "submit_sm answered, by command_status.");
  by_label(p, "smppd_submit_sm_total", "status", m.submits);
  p.family("smppd_messages_final_total", "counter", "Messages that reached a final state.");
  by_label(p, "smppd_messages_final_total", "state", m.final_states);

  p.family("smppd_receipts_pending", "gauge", "Receipts and MO waiting for a receiver's answer.");
  p.sample("smppd_receipts_pending", static_cast<double>(m.receipts_pending));
  p.family("smppd_receipts_dropped_total", "counter",
           "Receipts dropped beyond max_pending_per_account.");
  p.sample("smppd_receipts_dropped_total", static_cast<double>(m.receipts_dropped));

  p.family("smppd_store_commit_seconds", "histogram",
           "From a message's write to the store until it is durable.");
  for (std::size_t i = 0; i < latency_histogram::bounds_us.size(); ++i) {
    p.sample("smppd_store_commit_seconds_bucket",
             label("le", fmt::format("{}", latency_histogram::bounds_us[i] / 1e6)),
             static_cast<double>(m.store_commit.cumulative[i]));
  }
  p.sample("smppd_store_commit_seconds_bucket", label("le", "+Inf"),
           static_cast<double>(m.store_commit.count));
  p.sample("smppd_store_commit_seconds_sum", m.store_commit.sum_seconds);
  p.sample("smppd_store_commit_seconds_count", static_cast<double>(m.store_commit.count));

  p.family("smppd_carrier_sessions", "gauge", "Sessions bound to each upstream carrier.");
  for (const auto& c : m.carriers)
    p.sample("smppd_carrier_sessions", label("carrier", c.name), static_cast<double>(c.sessions));
  p.family("smppd_carrier_queue", "gauge", "Messages routed to a carrier, not yet submitted.");
  for (const auto& c : m.carriers)
    p.sample("smppd_carrier_queue", label("carrier", c.name), static_cast<double>(c.queue));
  p.family("smppd_carrier_in_flight", "gauge", "Messages submitted to a carrier, not yet final.");
  for (const auto& c : m.carriers)
    p.sample("smppd_carrier_in_flight", label("carrier", c.name), static_cast<double>(c.in_flight));

  p.family("smppd_http_requests_total", "counter", "HTTP requests, by route and status.");
  for (const auto& r : m.http_requests) {
    p.sample("smppd_http_requests_total",
             label("route", r.route) + "," + label("status", std::to_string(r.status)),
             static_cast<double>(r.count));
  }

  p.family("smppd_webhooks_pending", "gauge", "Webhooks in flight or waiting for a retry.");
  p.sample("smppd_webhooks_pending", static_cast<double>(m.webhooks_pending));
  p.family("smppd_webhooks_delivered_total", "counter", "Webhooks answered with a 2xx.");
  p.sample("smppd_webhooks_delivered_total", static_cast<double>(m.webhooks_delivered));
  p.family("smppd_webhooks_failed_total", "counter",
           "Webhook attempts that failed (each is retried until the last).");
  p.sample("smppd_webhooks_failed_total", static_cast<double>(m.webhooks_failed_attempts));
  p.family("smppd_webhooks_dropped_total", "counter", "Webhooks given up after the last retry.");
  p.sample("smppd_webhooks_dropped_total", static_cast<double>(m.webhooks_dropped));
  return p.take();
}

}  // namespace smppd::http
