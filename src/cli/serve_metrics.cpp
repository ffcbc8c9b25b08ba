#include "cli/serve_metrics.hpp"

#include "smpp/command_status.hpp"

namespace smppd::cli {
namespace {

std::vector<std::pair<std::string, std::uint64_t>> by_status(const status_tally& tally) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& [code, count] : tally.read()) {
    out.emplace_back(code == status_tally::tracked
                         ? std::string("other")
                         : std::string(smpp::name(static_cast<smpp::command_status>(code))),
                     count);
  }
  return out;
}

// core::message_state's final values, as the label says them.
constexpr const char* final_state_names[] = {nullptr,    nullptr,   "delivered",
                                             "expired",  "deleted", "undeliverable",
                                             "accepted", "unknown", "rejected"};

}  // namespace

http::metrics_snapshot collect_metrics(const server::server& front, gateway::engine& engine,
                                       const webhook::webhook_outbox& outbox,
                                       const http::http_server& http) {
  http::metrics_snapshot m;
  m.sessions = front.bound_sessions();
  m.binds_refused = by_status(front.binds_refused());
  m.submits = by_status(front.submits());
  const auto finals = engine.final_by_state();
  for (std::size_t i = 0; i < finals.size(); ++i) {
    if (final_state_names[i] != nullptr)
      m.final_states.emplace_back(final_state_names[i], finals[i]);
  }
  m.receipts_pending = engine.pending_receipts();
  m.receipts_dropped = engine.counters().receipts_dropped;
  m.store_commit = engine.commit_latency();
  for (const auto& c : engine.carriers().carriers) {
    m.carriers.push_back({c.name, c.bound_sessions, c.waiting, c.in_flight});
  }
  for (const auto& r : http.requests()) m.http_requests.push_back({r.route, r.status, r.count});
  const auto w = outbox.counters();
  m.webhooks_pending = w.pending;
  m.webhooks_delivered = w.delivered;
  m.webhooks_failed_attempts = w.failed_attempts;
  m.webhooks_dropped = w.dropped;
  return m;
}

nlohmann::json sessions_json(const server::server& front, std::uint16_t node) {
  auto out = nlohmann::json::array();
  for (const auto& s : front.sessions()) {
    out.push_back({{"id", s.id},
                   {"system_id", s.system_id},
                   {"bind", s.bind},
                   {"peer", s.peer},
                   {"node", node},
                   {"since", unix_seconds(s.since)},
                   {"submits", s.submits},
                   {"deliveries", s.deliveries},
                   {"in_flight", s.in_flight}});
  }
  return out;
}

nlohmann::json carriers_json(gateway::engine& engine) {
  auto out = nlohmann::json::array();
  for (const auto& c : engine.carriers().carriers) {
    out.push_back({{"name", c.name},
                   {"sessions", c.bound_sessions},
                   {"queue", c.waiting},
                   {"in_flight", c.in_flight}});
  }
  return out;
}

nlohmann::json queues_json(gateway::engine& engine) {
  auto accounts = nlohmann::json::array();
  for (const auto& q : engine.receipt_queues()) {
    accounts.push_back(
        {{"system_id", q.system_id}, {"receipts_pending", q.pending}, {"receivers", q.receivers}});
  }
  const auto carriers = engine.carriers();
  return {{"accounts", std::move(accounts)},
          {"receipts_pending", engine.pending_receipts()},
          {"messages_waiting_in_memory", carriers.waiting_in_memory},
          {"messages_waiting_in_store", carriers.waiting_in_store}};
}

}  // namespace smppd::cli
