#!/usr/bin/env bash
# Side-by-side benchmarks: dbprep against the sqlite3 command line on the
# same generated migrations, in one run, with the ratios the README quotes.
#   bench/run.sh            # N=1000 migrations, 5 iterations each
#   DBPREP_BENCH_N=200 COUNT=3 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DBPREP_BENCH_N=${DBPREP_BENCH_N:-1000}
out=$(go test -run '^$' -bench . -benchtime "${COUNT:-5}x" ./bench/ | tee /dev/stderr)
awk '
  /^Benchmark/ { split($1, p, "/"); name = p[3]; sub(/-[0-9]+$/, "", name); ns[name] = $3 }
  function ratio(a, b) { if (ns[a] && ns[b]) printf "%-34s %6.2fx of %s\n", a, ns[a] / ns[b], b }
  END {
    print ""
    ratio("dbprep-prepare", "sqlite3-one-transaction")
    ratio("dbprep-migrate-run", "sqlite3-transaction-per-migration")
    ratio("dbprep-migrate-run-noop", "sqlite3-open-one-query")
  }' <<<"$out"
