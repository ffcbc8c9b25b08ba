#pragma once
// /metrics for `serve`: one snapshot read from the parts that count (the SMPP front, the
// engine, the webhook outbox, the HTTP front itself).

#include "gateway/engine.hpp"
#include "http/http_server.hpp"
#include "http/metrics_page.hpp"
#include "server/server.hpp"
#include "webhook/webhook_outbox.hpp"

namespace smppd::cli {

http::metrics_snapshot collect_metrics(const server::server& front, gateway::engine& engine,
                                       const webhook::webhook_outbox& outbox,
                                       const http::http_server& http);

}  // namespace smppd::cli
