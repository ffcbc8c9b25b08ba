#!/usr/bin/env bash
# `serve` adds no account by itself; `serve --demo-account` (what `make run` passes) creates
# `demo` on a store with no account, prints its password once, and the password binds.
set -uo pipefail
smppd=$1
# shellcheck source=tests/cli/checks.sh
source "$(dirname "$0")/checks.sh"
pid=
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/smppd.toml" <<'TOML'
[node]
data_dir = "var"
[smpp]
listen = "127.0.0.1:0"
tls_listen = ""
[http]
listen = "127.0.0.1:0"
[store]
url = "sqlite://var/smppd.db"
[simulator]
default_delay_ms = 0
TOML
c=(--config "$work/smppd.toml")

start() {  # start serve-options...: a server in the background, $pid, its stdout in $work/serve.out
  rm -f "$work/var/listening.json"
  "$smppd" serve "$@" "${c[@]}" >"$work/serve.out" 2>"$work/serve.log" &
  pid=$!
  for _ in $(seq 200); do [[ -s "$work/var/listening.json" ]] && break; sleep 0.05; done
  [[ -s "$work/var/listening.json" ]]
}
stop() { kill "$pid" && wait "$pid"; }

start; ok "serve without --demo-account is listening"
expect 0 "account list" -- "$smppd" account list --json "${c[@]}"
[[ $(cat "$work/out") == "[]" ]]; ok "serve adds no account by itself"
stop; ok "serve stops on SIGTERM with exit 0"

start --demo-account; ok "serve --demo-account is listening"
password=$(sed -n 's/^created account demo with password \([^ ]*\) .*/\1/p' "$work/serve.out")
[[ $password =~ ^[[:graph:]]{8}$ ]]; ok "the demo password is printed once, 8 characters"
expect 0 "the demo password binds" -- "$smppd" send --to 4512345678 --text hello \
  --system-id demo --password "$password" "${c[@]}"
expect 1 "a wrong password does not" -- "$smppd" send --to 4512345678 --text hello \
  --system-id demo --password wrong "${c[@]}"
stop; ok "serve --demo-account stops with exit 0"

start --demo-account; ok "serve --demo-account again"
lacks serve.out "created account" "no second demo account on a store that has one"
expect 0 "account list" -- "$smppd" account list --json "${c[@]}"
[[ $(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$work/out") == 1 ]]
ok "one account"
stop

if [[ $failures -ne 0 ]]; then cat "$work/serve.log"; fi
finish serve_cli
