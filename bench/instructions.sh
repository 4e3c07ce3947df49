#!/usr/bin/env bash
# Instructions, which a busy machine does not move (wall time does): callgrind
# counts for `--version` (start-up alone) and for a no-op `migrate run` (or
# goose's `up`) over N = 100 and N = 1000 migrations of one CREATE TABLE
# each, for dbprep built as `go install` builds it, dbprep built with the
# flake's tag, and the goose builds bench/run.sh installs into bench/.peers
# (run it once first). Each count is the least of ROUNDS runs (default 4):
# Go's scheduler moves a count a little between runs.
#   bench/instructions.sh
#   ROUNDS=2 bench/instructions.sh
set -euo pipefail
command -v valgrind >/dev/null || { echo "bench/instructions.sh needs valgrind: apt-get install valgrind" >&2; exit 1; }
cd "$(dirname "$0")/.."
peers=${DBPREP_BENCH_PEERS:-$PWD/bench/.peers}
rounds=${ROUNDS:-4}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/dbprep" ./cmd/dbprep
go build -tags urfave_cli_no_docs -o "$tmp/dbprep-tagged" ./cmd/dbprep

# count DIR PROGRAM ARGS…: the least instruction count of $rounds runs in DIR.
count() {
  local dir=$1 least='' n
  shift
  for _ in $(seq "$rounds"); do
    n=$(cd "$dir" && GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
      sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
    [ -n "$n" ] || { echo "callgrind gave no count for $*" >&2; exit 1; }
    if [ -z "$least" ] || [ "$n" -lt "$least" ]; then least=$n; fi
  done
  awk -v n="$least" 'BEGIN { printf "%.2f", n / 1e6 }'
}

for n in 100 1000; do
  mkdir -p "$tmp/$n/dbprep/migrations" "$tmp/$n/goose"
  for i in $(seq "$n"); do
    v=$(printf '%04d' "$i")
    echo "CREATE TABLE t$i (id INTEGER PRIMARY KEY, name TEXT);" >"$tmp/$n/dbprep/migrations/${v}_t$i.sql"
    printf -- '-- +goose Up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT);\n' "$i" >"$tmp/$n/goose/${v}_t$i.sql"
  done
  (cd "$tmp/$n/dbprep" && DATABASE_URL="sqlite://$tmp/$n/dbprep.db?mode=rwc" "$tmp/dbprep" migrate run >/dev/null)
  if [ -x "$peers/goose-sqlite" ]; then
    (cd "$tmp/$n/goose" && "$peers/goose-sqlite" -dir . sqlite3 "$tmp/$n/goose.db" up >/dev/null 2>&1)
  fi
done

printf '%-30s %12s %16s %17s\n' "millions of instructions" "--version" "no-op, N = 100" "no-op, N = 1000"
for prog in dbprep dbprep-tagged; do
  printf '%-30s %12s %16s %17s\n' "$prog" "$(count "$tmp" "$tmp/$prog" --version)" \
    "$(DATABASE_URL="sqlite://$tmp/100/dbprep.db" count "$tmp/100/dbprep" "$tmp/$prog" migrate run)" \
    "$(DATABASE_URL="sqlite://$tmp/1000/dbprep.db" count "$tmp/1000/dbprep" "$tmp/$prog" migrate run)"
done
for prog in goose goose-sqlite; do
  [ -x "$peers/$prog" ] || { echo "$peers/$prog is missing: run bench/run.sh once" >&2; continue; }
  printf '%-30s %12s %16s %17s\n' "$prog" "$(count "$tmp" "$peers/$prog" --version)" \
    "$(count "$tmp/100/goose" "$peers/$prog" -dir . sqlite3 "$tmp/100/goose.db" up)" \
    "$(count "$tmp/1000/goose" "$peers/$prog" -dir . sqlite3 "$tmp/1000/goose.db" up)"
done
