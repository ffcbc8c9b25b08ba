#!/usr/bin/env bash
# Drives the real binary's `bench` (the load tool) against a real `serve` with the receipt
# simulator: every submit answered and every receipt matched, and --rate holds the rate:
# the run takes at least count / rate (slowness only lengthens it, so this cannot flake).
set -uo pipefail
smppd=$1
# shellcheck source=tests/cli/checks.sh
source "$(dirname "$0")/checks.sh"
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/smppd.toml" <<'TOML'
[node]
id = 1
data_dir = "var"
[smpp]
listen = "127.0.0.1:0"
tls_listen = ""
[store]
url = "sqlite://var/smppd.db"
[simulator]
default_status = "DELIVRD"
default_delay_ms = 0
TOML
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/$1" "$2"; }

"$smppd" account add bench --password secret --config "$work/smppd.toml" >/dev/null
ok "account add"
"$smppd" serve --config "$work/smppd.toml" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 200); do [[ -s "$work/var/listening.json" ]] && break; sleep 0.05; done
[[ -s "$work/var/listening.json" ]]; ok "the server is listening"

run() {  # run NAME bench-options...: the load tool's JSON summary in NAME
  local name=$1; shift
  "$smppd" bench --config "$work/smppd.toml" --system-id bench --password secret \
    --registered-delivery 1 --json --quiet "$@" >"$work/$name" 2>"$work/$name.err"
}

run fast --sessions 2 --window 16 --count 3000
ok "bench exits 0 (as fast as it can)"
[[ $(field fast ok) -eq 3000 ]]; ok "every submit answered ESME_ROK"
[[ $(field fast receipts) -eq 3000 && $(field fast missing) -eq 0 ]]; ok "every receipt matched"

# 1 500 submits at 1 000/s over 3 sessions: at least 1.5 s (1.4 s allows the first tick).
run paced --sessions 3 --window 16 --count 1500 --rate 1000
ok "bench exits 0 (paced)"
[[ $(field paced ok) -eq 1500 && $(field paced missing) -eq 0 ]]; ok "paced: all answered and matched"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 1.4 else 1)" "$(field paced elapsed_s)"
ok "--rate 1000 holds 1 500 submits to at least 1.4 s"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 1100 else 1)" "$(field paced submit_per_s)"
ok "--rate 1000 submits at most 1 100/s"

# Without --json: still the JSON summary on stdout (the contract's "JSON summary"), the
# readable one on stderr; --receipts asks a receipt per message.
"$smppd" bench --config "$work/smppd.toml" --system-id bench --password secret --receipts \
  --sessions 1 --window 8 --count 200 >"$work/plain" 2>"$work/plain.err"
ok "bench --receipts exits 0"
[[ $(wc -l <"$work/plain") -eq 1 ]]; ok "stdout is one line"
[[ $(field plain ok) -eq 200 && $(field plain receipts) -eq 200 ]]; ok "it is the JSON summary, receipts matched"
contains plain.err "submit_sm/s" "the readable summary goes to stderr"

if [[ $failures -ne 0 ]]; then
  for f in fast paced plain; do echo "$f: $(cat "$work/$f" "$work/$f.err")"; done
fi
finish bench_cli
