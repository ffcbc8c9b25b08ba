#!/usr/bin/env bash
# Drives the real binary's `token` commands against a scratch store: the token is printed
# once (first line alone, or JSON), never listed, and the exit statuses of the contract
# (1 for an unknown account or token, 2 for bad usage).
set -uo pipefail
smppd=$1
# shellcheck source=tests/cli/checks.sh
source "$(dirname "$0")/checks.sh"
cat > "$work/smppd.toml" <<'TOML'
[store]
url = "sqlite://data/test.db"
TOML
c=(--config "$work/smppd.toml")

expect 0 "add accounts" -- "$smppd" account add acme --password pw "${c[@]}"
expect 0 "add accounts" -- "$smppd" account add beta --password pw "${c[@]}"

expect 0 "token add" -- "$smppd" token add acme --label "ci bot" "${c[@]}"
token1=$(cat "$work/out")
id1=$(sed -n 's/^smppd: token id \([0-9a-f]*\) of acme added.*/\1/p' "$work/err")
[[ $token1 =~ ^[A-Za-z0-9_-]{43}$ ]]; ok "stdout is the token alone (43 base64url characters)"
[[ $(wc -l < "$work/out") -eq 1 ]]; ok "one line on stdout"
[[ $id1 =~ ^[0-9a-f]{16}$ ]]; ok "the note on stderr names the id"
contains err "shown only this once" "the once-only note goes to stderr"

expect 0 "token add --json" -- "$smppd" token add beta --json "${c[@]}"
token2=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' < "$work/out")
id2=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' < "$work/out")
[[ $token2 =~ ^[A-Za-z0-9_-]{43}$ ]]; ok "json carries the token"
[[ $token1 != "$token2" ]]; ok "tokens differ"
contains out '"system_id":"beta"' "json names the account"

expect 1 "token add for an unknown account" -- "$smppd" token add nobody "${c[@]}"
contains err "no account nobody" "unknown account message"
[[ ! -s "$work/out" ]]; ok "nothing printed for an unknown account"
expect 2 "a label with a newline" -- "$smppd" token add acme --label $'a\nb' "${c[@]}"

expect 0 "token list" -- "$smppd" token list "${c[@]}"
contains out "SYSTEM_ID" "table header"
contains out "$id1" "first token listed"
contains out "ci bot" "label listed"
contains out "$id2" "second token listed"
lacks out "$token1" "the token is never listed"
expect 0 "token list of one account, json" -- "$smppd" token list acme --json "${c[@]}"
python3 -c '
import json, sys
tokens = json.load(open(sys.argv[1]))
assert len(tokens) == 1, tokens
assert set(tokens[0]) == {"id", "system_id", "label", "created_at"}, tokens[0]
assert tokens[0]["id"] == sys.argv[2] and tokens[0]["label"] == "ci bot", tokens[0]
assert isinstance(tokens[0]["created_at"], int)
' "$work/out" "$id1"; ok "one token of acme, without token or hash"
lacks out "$token1" "the token is never listed in json"
expect 1 "token list of an unknown account" -- "$smppd" token list nobody "${c[@]}"

# The store keeps the SHA-256 of the token, never the token.
bash -c '! grep -qaF -- "$1" "$2"/data/test.db*' _ "$token1" "$work"; ok "the token is not in the store"
hash1=$(printf '%s' "$token1" | sha256sum | cut -d' ' -f1)
bash -c 'grep -qaF -- "$1" "$2"/data/test.db*' _ "$hash1" "$work"; ok "its SHA-256 is"

expect 0 "token remove" -- "$smppd" token remove "$id1" "${c[@]}"
expect 1 "token remove again" -- "$smppd" token remove "$id1" "${c[@]}"
contains err "no token $id1" "unknown token message"
expect 0 "token list after remove" -- "$smppd" token list --json "${c[@]}"
lacks out "$id1" "removed token gone"
contains out "$id2" "other token kept"

expect 0 "remove an account" -- "$smppd" account remove beta "${c[@]}"
expect 0 "token list after removing its account" -- "$smppd" token list --json "${c[@]}"
[[ $(cat "$work/out") == "[]" ]]; ok "the account's tokens went with it"
expect 2 "token without a subcommand" -- "$smppd" token "${c[@]}"

finish token_cli
