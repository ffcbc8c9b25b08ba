# shellcheck shell=bash
# Sourced by the tests/cli scripts: a scratch directory ($work, removed on exit unless the
# script sets its own trap afterwards) and the checks, which count into $passes/$failures.
# `finish NAME` prints the tally and sets the script's exit status.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
pass() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect STATUS DESCRIPTION -- command...: stdout in $work/out, stderr in $work/err
  local want=$1 what=$2
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$what: exit $got, wanted $want"
    cat "$work/out" "$work/err"
  else
    pass
  fi
}
contains() {  # contains FILE TEXT DESCRIPTION (FILE in $work)
  if grep -qF -- "$2" "$work/$1"; then pass; else
    fail "$3: '$2' not in $1:"
    cat "$work/$1"
  fi
}
lacks() {  # lacks FILE TEXT DESCRIPTION (FILE in $work)
  if grep -qF -- "$2" "$work/$1"; then fail "$3: '$2' in $1"; else pass; fi
}
# CONDITION; ok DESCRIPTION: counts the status of the command just before. No $(...) in
# DESCRIPTION: its status would be the one counted.
ok() {
  local status=$?
  if [[ $status -eq 0 ]]; then pass; else fail "$1"; fi
}
finish() {  # finish NAME
  echo "$1: $passes passed, $failures failed"
  [[ $failures -eq 0 ]]
}
