#pragma once
// What the HTTP front's operations routes read for `serve`: /metrics as one snapshot from
// the parts that count (the SMPP front, the engine, the webhook outbox, the HTTP front
// itself), and the admin API's live views as JSON.

#include <nlohmann/json.hpp>

#include "gateway/engine.hpp"
#include "http/http_server.hpp"
#include "http/metrics_page.hpp"
#include "server/server.hpp"
#include "webhook/webhook_outbox.hpp"

namespace smppd::cli {

http::metrics_snapshot collect_metrics(const server::server& front, gateway::engine& engine,
                                       const webhook::webhook_outbox& outbox,
                                       const http::http_server& http);

nlohmann::json sessions_json(const server::server& front, std::uint16_t node);
nlohmann::json carriers_json(gateway::engine& engine);
nlohmann::json queues_json(gateway::engine& engine);

}  // namespace smppd::cli
