#!/bin/bash
# The cluster benchmark (issue 9): smppd nodes on a private PostgreSQL 15 started here (in a
# temporary folder, Unix socket, on the same two cores), 4 transceiver sessions x window 64
# in all (with two nodes, 2 sessions on each), a receipt per message, simulator at delay 0.
# Prints each load tool's JSON summary and the total rate.
#
#   bench/cluster.sh [COUNT] [NODES=1|2] [full|normal]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
smppd="$here/build/smppd"
count=${1:-200000}
nodes=${2:-1}
durability=${3:-full}
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  for n in $(seq "$nodes"); do cp "$work/n$n.log" "/tmp/last-cluster-node$n.log" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
port=$((20000 + RANDOM % 30000))
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
  -o "-k $work -c listen_addresses='' -p $port -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
psql -q -h "$work" -p "$port" -U postgres -c 'CREATE DATABASE smppd'
url="postgresql://postgres@/smppd?host=$work&port=$port"

for n in $(seq "$nodes"); do
  mkdir -p "$work/n$n"
  cat > "$work/n$n/smppd.toml" <<TOML
[node]
id = $n
data_dir = "var"
[smpp]
listen = "127.0.0.1:0"
tls_listen = ""
window = 64
[store]
url = "$url"
durability = "$durability"
[simulator]
default_status = "DELIVRD"
default_delay_ms = 0
TOML
done
"$smppd" account add bench --password secret --max-binds 100 --config "$work/n1/smppd.toml" >/dev/null
for n in $(seq "$nodes"); do
  "$smppd" serve --config "$work/n$n/smppd.toml" 2>"$work/n$n.log" &
  pids+=($!)
done
for n in $(seq "$nodes"); do
  for _ in $(seq 200); do [ -s "$work/n$n/var/listening.json" ] && break; sleep 0.05; done
done

per_node=$((count / nodes))
sessions=$((4 / nodes))
start=$(date +%s.%N)
for n in $(seq "$nodes"); do
  "$smppd" bench --config "$work/n$n/smppd.toml" --sessions "$sessions" --window 64 \
    --count "$per_node" --registered-delivery 1 --system-id bench --password secret \
    --json --quiet > "$work/bench$n.json" &
  bench_pids+=($!)
done
wait "${bench_pids[@]}"
end=$(date +%s.%N)
for n in $(seq "$nodes"); do echo "node $n: $(cat "$work/bench$n.json")"; done
echo "total: $count messages with receipts in $(echo "$end - $start" | bc) s:" \
  "$(echo "$count / ($end - $start)" | bc) messages/s (wall clock of the load tools, incl. bind)"
