#!/bin/bash
# Issue 8: memory while a carrier is down. `smppd serve` routes everything to a carrier
# whose host refuses connections; `smppd bench` submits COUNT messages without
# registered_delivery (they all wait for the carrier); the server's RSS is printed, then
# the carrier (build/bench/smppd_responder) comes up on that port for DRAIN_S seconds
# (default 30), the RSS printed every 2 s, and how many submits it received.
#
#   bench/carrier_outage.sh [COUNT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
smppd="$here/build/smppd"
count=${1:-1000000}
work=$(mktemp -d)
trap 'kill "$pid" ${responder:-} 2>/dev/null || true; wait "$pid" 2>/dev/null || true; cp "$work/serve.log" /tmp/last-serve.log; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/smppd.toml" <<TOML
[node]
id = 1
data_dir = "var"
[smpp]
listen = "127.0.0.1:0"
tls_listen = ""
window = 64
[store]
url = "sqlite://var/smppd.db"
[[carrier]]
name = "down"
hosts = ["127.0.0.1:$port"]
system_id = "bench"
password = "secret"
sessions = 4
window = 64
reconnect_delay_s = 1
[[route]]
carriers = ["down"]
TOML
"$smppd" account add bench --password secret --config "$work/smppd.toml" >/dev/null
"$smppd" serve --config "$work/smppd.toml" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/var/listening.json" ] && break; sleep 0.05; done
rss() { awk '/VmRSS/{print $2}' /proc/$pid/status; }
echo "RSS KiB at start: $(rss)"
"$smppd" bench --config "$work/smppd.toml" --sessions 4 --window 64 --count "$count" \
  --registered-delivery 0 --system-id bench --password secret --json --quiet | grep -oE '"ok":[0-9]+|"submit_per_s":[0-9.]+'
sleep 3
echo "RSS KiB with $count waiting for the carrier: $(rss)"
echo "store files (bytes): $(cd "$work/var" && stat -c '%n %s' smppd.db* | tr '\n' ' ')"
"$here/build/bench/smppd_responder" --port "$port" > "$work/responder.out" &
responder=$!
for t in $(seq 2 2 "${DRAIN_S:-30}"); do
  sleep 2
  echo "carrier up for $t s: RSS KiB $(rss)"
done
kill $responder; wait $responder 2>/dev/null || true
echo "$(tail -1 "$work/responder.out") (of $count)"
