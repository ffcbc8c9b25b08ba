#!/bin/bash
# Issue 11: what scraping /metrics costs the durable path. One `smppd serve` (release, SQLite
# durability full, simulator delay 0), then `smppd bench` (4 transceivers, window 64, a
# receipt each) ROUNDS times alternating: without a scraper, and with curl fetching /metrics
# and the admin API's sessions and queues every INTERVAL seconds (a dashboard open on it
# polls every 2 s; Prometheus every 15 s). Prints each run's JSON summary.
#
#   bench/metrics_cost.sh [COUNT=200000] [ROUNDS=3] [INTERVAL=0.5]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
smppd="$here/build/smppd"
count=${1:-200000}
rounds=${2:-3}
interval=${3:-0.5}
work=$(mktemp -d)
pid=
scraper=
cleanup() {
  [ -n "$scraper" ] && kill "$scraper" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/smppd.toml" <<TOML
[node]
data_dir = "var"
[smpp]
listen = "127.0.0.1:0"
tls_listen = ""
window = 64
[http]
listen = "127.0.0.1:0"
[simulator]
default_delay_ms = 0
TOML
"$smppd" account add bench --password benchpw --config "$work/smppd.toml" >/dev/null
"$smppd" serve --config "$work/smppd.toml" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/var/listening.json" ] && break; sleep 0.1; done
read -r http port < <(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['http'], j['smpp'].rsplit(':',1)[1])" "$work/var/listening.json")
token=$(cat "$work/var/admin_token")
run() {
  "$smppd" bench --port "$port" --system-id bench --password benchpw --sessions 4 --window 64 \
    --count "$count" --registered-delivery 1 --config "$work/smppd.toml" 2>/dev/null | grep "^submit_sm/s"
}
for round in $(seq "$rounds"); do
  echo "# round $round: without scraping"
  run
  echo "# round $round: scraping every ${interval} s"
  (while :; do
     curl -s -o /dev/null "http://$http/metrics"
     curl -s -o /dev/null -H "Authorization: Bearer $token" "http://$http/api/admin/sessions"
     curl -s -o /dev/null -H "Authorization: Bearer $token" "http://$http/api/admin/queues"
     sleep "$interval"
   done) &
  scraper=$!
  run
  kill "$scraper"; wait "$scraper" 2>/dev/null || true; scraper=
done
