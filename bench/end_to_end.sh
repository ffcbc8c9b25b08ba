#!/bin/bash
# The issue 4 benchmark: durable submit_sm with a receipt each, end to end on loopback.
# A fresh store, `smppd serve` with the simulator at delay 0, then `smppd bench` (4
# transceivers, window 64, registered_delivery 1). Prints the load tool's JSON summary, the
# CPU seconds each server thread used and the server's resident memory every 5 s.
#
#   bench/end_to_end.sh [COUNT] [full|normal|memory|discard|carrier] [extra smppd bench options]
# "memory" serves with --memory-store: the same path with the disk taken out (the ceiling);
# "discard" the SMPP front alone (serve --discard, no receipts: run it with RD=0).
# "carrier" routes every message to an upstream carrier: build/bench/smppd_responder with
# receipts (4 sessions, window 64), the rest as "full".
# PERF_OUT=FILE records a perf profile of the server (call graphs) while the load runs.
# SYNC_TIMES=1 times the server's fdatasync and fsync calls (perf trace -s, per thread).
# SYSCALLS=1 counts the server's writes, syncs, futex calls, file locks (fcntl) ... during the
# load (perf stat).
# RD=0 submits without registered_delivery (no receipts); default 1.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
smppd="${SMPPD:-$here/build/smppd}"  # SMPPD=path compares another build
count=${1:-200000}
durability=${2:-full}
shift $(( $# >= 2 ? 2 : $# ))
serve_flags=()
if [ "$durability" = discard ]; then
  serve_flags=(--discard)
  durability=full
elif [ "$durability" = carrier ]; then
  upstream=1
  durability=full
elif [ "$durability" = memory ]; then
  serve_flags=(--memory-store)
  durability=full
fi
work=$(mktemp -d)
trap 'kill "$pid" ${responder:-} 2>/dev/null || true; wait "$pid" 2>/dev/null || true; cp "$work/serve.log" /tmp/last-serve.log; rm -rf "$work"' EXIT

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
durability = "$durability"
[simulator]
default_status = "DELIVRD"
default_delay_ms = 0
TOML
if [ -n "${upstream:-}" ]; then
  "$here/build/bench/smppd_responder" --receipts > "$work/responder.out" &
  responder=$!
  for _ in $(seq 100); do grep -q listening "$work/responder.out" && break; sleep 0.05; done
  cat >> "$work/smppd.toml" <<TOML
[[carrier]]
name = "upstream"
hosts = ["$(awk '/listening/{print $2}' "$work/responder.out")"]
system_id = "bench"
password = "secret"
sessions = 4
window = 64
[[route]]
carriers = ["upstream"]
TOML
fi
"$smppd" account add bench --password secret --config "$work/smppd.toml" >/dev/null
${SERVER_PRELOAD:+env LD_PRELOAD=$SERVER_PRELOAD} "$smppd" serve --config "$work/smppd.toml" "${serve_flags[@]}" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/var/listening.json" ] && break; sleep 0.05; done
if [ -n "${upstream:-}" ]; then
  for _ in $(seq 200); do [ "$(grep -c 'session [0-9]* bound' "$work/serve.log")" -ge 4 ] && break; sleep 0.05; done
fi

cpu() { for t in /proc/$pid/task/*; do echo "$(cat "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done | sort; }
switches() { for t in /proc/$pid/task/*; do echo "$(cat "$t/comm") $(awk '/^voluntary_ctxt_switches/{print $2}' "$t/status")"; done | sort; }
before=$(cpu)
written_before=$(awk '/^wchar/{print $2}' /proc/$pid/io)
switches_before=$(switches)
( while kill -0 $pid 2>/dev/null; do awk '/VmRSS/{printf "%s ", $2}' /proc/$pid/status; sleep 5; done ) > "$work/rss" &
if [ -n "${PERF_OUT:-}" ]; then perf record -q -F 1999 ${PERF_CALLGRAPH:--g} -o "$PERF_OUT" -p "$pid" 2>/dev/null & perf_pid=$!; fi
if [ -n "${SYNC_TIMES:-}" ]; then
  perf trace -s -e fdatasync,fsync -p "$pid" -o "$work/fdatasync" 2>/dev/null & perf_pid=$!
fi
if [ -n "${SYSCALLS:-}" ]; then
  perf stat -x, -e syscalls:sys_enter_pwrite64,syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync,syscalls:sys_enter_futex,syscalls:sys_enter_sendmsg,syscalls:sys_enter_recvfrom,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_read,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_fcntl,syscalls:sys_enter_pread64 -o "$work/syscalls" -p "$pid" & perf_pid=$!
fi
/usr/bin/time -f "load tool: %U s user, %S s system, %e s wall" "$smppd" bench --config "$work/smppd.toml" --sessions 4 --window 64 --count "$count" --registered-delivery "${RD:-1}" \
  --system-id bench --password secret --json --quiet "$@"
after=$(cpu)
if [ -n "${perf_pid:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
if [ -n "${SYNC_TIMES:-}" ]; then
  echo "syncs by thread (perf trace -s, ms): $(awk '/^ [^ ].*\([0-9]+\)/ {thread = $1} $1 == "fdatasync" || $1 == "fsync" {printf "%s %s %s calls: total %s, min %s, avg %s, max %s; ", thread, $1, $2, $4, $5, $6, $7}' "$work/fdatasync")"
fi
if [ -n "${SYSCALLS:-}" ]; then echo "server system calls: $(awk -F, '/syscalls/{sub("syscalls:sys_enter_", "", $3); printf "%s %s  ", $3, $1}' "$work/syscalls")"; fi
switches_after=$(switches)
echo "server bytes written (write/pwrite calls): $(( $(awk '/^wchar/{print $2}' /proc/$pid/io) - written_before )), by thread since start: $(for t in /proc/$pid/task/*; do echo "$(cat "$t/comm") $(awk '/^wchar/{print $2}' "$t/io")"; done | sort | awk '$2 > 0 {printf "%s %s  ", $1, $2}')"
echo "server CPU seconds by thread: $(paste <(echo "$before") <(echo "$after") |
  awk '{printf "%s %.2f  ", $1, ($4-$2)/100}')"
echo "server thread sleeps (voluntary context switches): $(paste <(echo "$switches_before") <(echo "$switches_after") |
  awk '{printf "%s %d  ", $1, $4-$2}')"
sleep 5
echo "server RSS KiB every 5 s: $(cat "$work/rss")"
echo "store files (bytes): $(cd "$work/var" && stat -c '%n %s' smppd.db* | tr '\n' ' ')"
