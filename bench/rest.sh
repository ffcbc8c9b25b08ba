#!/bin/bash
# The REST API benchmark (issue 10): build/smppd on a scratch SQLite store (durability full:
# a 200 means fsynced), the built-in simulator (delay 0, no webhooks), wrk (Debian) POSTing
# /rest/mtsms with one recipient per request over keep-alive connections; then one request
# with 10 000 recipients, timed by curl.
#
#   bench/rest.sh [SECONDS=10] [CONNECTIONS=64] [full|normal]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
smppd="$here/build/smppd"
seconds=${1:-10}
connections=${2:-64}
durability=${3:-full}
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  cp "$work/serve.log" /tmp/last-rest-bench.log 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/smppd.toml" <<TOML
[node]
data_dir = "var"
[smpp]
listen = "127.0.0.1:0"
tls_listen = ""
[store]
durability = "$durability"
[http]
listen = "127.0.0.1:0"
[simulator]
default_delay_ms = 0
TOML
"$smppd" account add bench --password benchpw --config "$work/smppd.toml" >/dev/null
token=$("$smppd" token add bench --config "$work/smppd.toml" 2>/dev/null | head -1)
"$smppd" serve --config "$work/smppd.toml" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/var/listening.json" ] && break; sleep 0.1; done
http=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['http'])" "$work/var/listening.json")

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic $(printf '%s:' "$token" | base64 -w0)"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/rest/mtsms", nil,
    '{"sender":"Bench","message":"Hello from wrk","recipients":[{"msisdn":' .. (4510000000 + n) .. '}]}')
end
done = function(summary, latency, requests)
  io.write(string.format("{\"requests\": %d, \"seconds\": %.2f, \"rps\": %.0f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"non_2xx\": %d, \"errors\": %d}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
echo "# wrk -t2 -c$connections -d${seconds}s, one recipient per request, durability $durability"
wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "http://$http" | tail -1

python3 - "$work/big.json" <<'PY'
import json, sys
json.dump({"sender": "Bench", "message": "Hello, ten thousand",
           "recipients": [{"msisdn": 4520000000 + i} for i in range(10000)]}, open(sys.argv[1], "w"))
PY
echo "# one request with 10 000 recipients"
curl -s -o "$work/big.out" -w '{"http": %{http_code}, "seconds": %{time_total}}\n' \
  -u "$token:" -H 'Content-Type: application/json' --data-binary @"$work/big.json" "http://$http/rest/mtsms"
head -c 200 "$work/big.out"; echo
