#!/usr/bin/env bash
# Drives the real binary's `account` commands against a scratch store and checks output and
# exit statuses (contract: 1 for an unknown or existing account, 2 for bad usage/config).
set -uo pipefail
smppd=$1
# shellcheck source=tests/cli/checks.sh
source "$(dirname "$0")/checks.sh"
cat > "$work/smppd.toml" <<'TOML'
[smpp]
message_classes = ["standard", "premium"]
[store]
url = "sqlite://data/test.db"
TOML
c=(--config "$work/smppd.toml")

expect 0 "add" -- "$smppd" account add acme --password pw1 --max-binds 2 --throughput 100 "${c[@]}"
[[ -f "$work/data/test.db" ]]; ok "the store is created relative to the config file"
expect 1 "add existing id" -- "$smppd" account add acme --password pw2 "${c[@]}"
contains err "exists" "existing id message"
expect 2 "password over 8 characters" -- "$smppd" account add long --password 123456789 "${c[@]}"
expect 2 "unknown class" -- "$smppd" account add cls --password pw --classes secret "${c[@]}"
expect 2 "priority out of range" -- "$smppd" account add pri --password pw --max-priority 4 "${c[@]}"
expect 0 "add with defaults" -- "$smppd" account add beta --password pw "${c[@]}"
expect 0 "list json" -- "$smppd" account list --json "${c[@]}"
contains out '{"classes":["standard","premium"],"max_binds":2,"max_priority":3,"mo_url":"","system_id":"acme","throughput":100,"webhook_secret_set":false,"webhook_url":""}' "acme in json"
contains out '"max_binds":10' "default max binds"
expect 0 "list table" -- "$smppd" account list "${c[@]}"
contains out "SYSTEM_ID" "table header"
expect 0 "show" -- "$smppd" account show acme "${c[@]}"
contains out "max_binds:      2" "show fields"
contains out "webhook_url:    -" "no webhook yet"
lacks out pw1 "the password is not printed"

# Webhooks: only the options given change, "" clears one, the secret is never printed.
expect 0 "webhook" -- "$smppd" account webhook acme --url https://example.com/status --secret hushhush --mo-url http://example.com/mo "${c[@]}"
expect 0 "show json with webhooks" -- "$smppd" account show acme --json "${c[@]}"
contains out '"webhook_url":"https://example.com/status"' "webhook url shown"
contains out '"mo_url":"http://example.com/mo"' "mo url shown"
contains out '"webhook_secret_set":true' "secret set"
lacks out hushhush "the webhook secret is not printed"
expect 0 "show with webhooks" -- "$smppd" account show acme "${c[@]}"
contains out "webhook_secret: (set)" "secret set in show"
lacks out hushhush "the webhook secret is not printed by show"
expect 0 "list json with webhooks" -- "$smppd" account list --json "${c[@]}"
lacks out hushhush "the webhook secret is not printed by list"
expect 0 "clear the url only" -- "$smppd" account webhook acme --url "" "${c[@]}"
expect 0 "show json after clearing" -- "$smppd" account show acme --json "${c[@]}"
contains out '"webhook_url":""' "url cleared"
contains out '"mo_url":"http://example.com/mo"' "mo url kept"
contains out '"webhook_secret_set":true' "secret kept"
expect 0 "clear the secret" -- "$smppd" account webhook acme --secret "" "${c[@]}"
expect 0 "show json after clearing the secret" -- "$smppd" account show acme --json "${c[@]}"
contains out '"webhook_secret_set":false' "secret cleared"
expect 1 "webhook of an unknown account" -- "$smppd" account webhook nobody --url https://example.com "${c[@]}"
contains err "no account nobody" "unknown account message"
expect 2 "webhook url without http" -- "$smppd" account webhook acme --url ftp://example.com "${c[@]}"
contains err "http:// or https://" "bad url message"
[[ $(wc -l < "$work/err") -eq 1 ]]; ok "the bad url message is one line"
expect 2 "mo url without http" -- "$smppd" account webhook acme --mo-url example.com "${c[@]}"
expect 2 "bad url before unknown account" -- "$smppd" account webhook nobody --url example.com "${c[@]}"
expect 2 "webhook without options" -- "$smppd" account webhook acme "${c[@]}"
expect 0 "show json after refusals" -- "$smppd" account show acme --json "${c[@]}"
contains out '"mo_url":"http://example.com/mo"' "refusals changed nothing"
expect 1 "show unknown" -- "$smppd" account show nobody "${c[@]}"
expect 0 "passwd" -- "$smppd" account passwd acme --password pw3 "${c[@]}"
expect 1 "passwd unknown" -- "$smppd" account passwd nobody --password pw3 "${c[@]}"
expect 0 "remove" -- "$smppd" account remove acme "${c[@]}"
expect 1 "remove again" -- "$smppd" account remove acme "${c[@]}"
printf '[smpp]\nwindw = 3\n' > "$work/bad.toml"
expect 2 "unknown config key" -- "$smppd" account list --config "$work/bad.toml"
contains err "smpp.windw: unknown key" "names the unknown key"
expect 2 "missing config" -- "$smppd" account list --config "$work/none.toml"
expect 0 "--config before the subcommand" -- "$smppd" "${c[@]}" account list --json
contains out '"system_id":"beta"' "the config given first is the one read"
expect 0 "--config between account and list" -- "$smppd" account "${c[@]}" list --json
contains out '"system_id":"beta"' "the config given in the middle is the one read"
expect 2 "a missing config given first" -- "$smppd" --config "$work/none.toml" account list
expect 2 "no subcommand" -- "$smppd"
expect 0 "version" -- "$smppd" --version
contains out "smppd " "version text"

finish account_cli
