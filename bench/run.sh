#!/usr/bin/env bash
# Side-by-side benchmarks on the same generated migrations, in one run:
# dbprep against the sqlite3 command line, and against the peers users
# would pick instead — goose, golang-migrate and dbmate, installed here with
# `go install` at fixed versions (SKIP_PEERS=1 leaves them out) — with the
# ratios bench/README.md quotes.
#   bench/run.sh            # N=1000 migrations, 5 iterations each
#   DBPREP_BENCH_N=200 COUNT=3 bench/run.sh
#   DBPREP_BENCH_BASE=/path/to/an/older/dbprep bench/run.sh   # that build too, as "dbprep-base"
set -euo pipefail
[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time for peak RSS: apt-get install time" >&2; exit 1; }
cd "$(dirname "$0")/.."
export DBPREP_BENCH_N=${DBPREP_BENCH_N:-1000}
if [ -z "${SKIP_PEERS:-}" ]; then
  peers=${DBPREP_BENCH_PEERS:-$PWD/bench/.peers}
  mkdir -p "$peers"
  # goose with its pure-Go SQLite; golang-migrate's sqlite driver (pure Go);
  # dbmate (cgo: needs gcc).
  # goose with SQLite and PostgreSQL only, like dbprep (its other drivers pull modules
  # the proxy does not serve).
  [ -x "$peers/goose" ] || GOBIN=$peers go install -tags 'no_mssql no_azuresql no_clickhouse no_mysql no_libsql no_vertica no_ydb' github.com/pressly/goose/v3/cmd/goose@v3.29.0 ||
    echo "goose could not be installed; it is left out" >&2
  # goose as a user who needs SQLite alone would build it: every other
  # driver left out (13 MB against 24 MB). Reported as goose-sqlite.
  if [ ! -x "$peers/goose-sqlite" ]; then
    tmp=$(mktemp -d)
    GOBIN=$tmp go install -tags 'no_postgres no_mssql no_azuresql no_clickhouse no_mysql no_libsql no_vertica no_ydb' github.com/pressly/goose/v3/cmd/goose@v3.29.0 &&
      mv "$tmp/goose" "$peers/goose-sqlite" || echo "goose (SQLite only) could not be installed; it is left out" >&2
    rm -rf "$tmp"
  fi
  # The same peers with their MySQL drivers, for BenchmarkMySQLPeers (dbmate
  # has every driver already): goose with MySQL alone, golang-migrate's mysql.
  if [ ! -x "$peers/goose-mysql" ]; then
    tmp=$(mktemp -d)
    GOBIN=$tmp go install -tags 'no_postgres no_sqlite3 no_mssql no_azuresql no_clickhouse no_libsql no_vertica no_ydb' github.com/pressly/goose/v3/cmd/goose@v3.29.0 &&
      mv "$tmp/goose" "$peers/goose-mysql" || echo "goose (MySQL) could not be installed; it is left out" >&2
    rm -rf "$tmp"
  fi
  if [ ! -x "$peers/migrate-mysql" ]; then
    tmp=$(mktemp -d)
    GOBIN=$tmp go install -tags mysql github.com/golang-migrate/migrate/v4/cmd/migrate@v4.20.1 &&
      mv "$tmp/migrate" "$peers/migrate-mysql" || echo "golang-migrate (MySQL) could not be installed; it is left out" >&2
    rm -rf "$tmp"
  fi
  [ -x "$peers/migrate" ] || GOBIN=$peers go install -tags sqlite github.com/golang-migrate/migrate/v4/cmd/migrate@v4.20.1 ||
    echo "golang-migrate could not be installed; it is left out" >&2
  # dbmate: `go install …@v2.28.0` asks the proxy for the module's version
  # list, which some proxies refuse (403); then build it from the module
  # cache after downloading that version alone.
  if [ ! -x "$peers/dbmate" ]; then
    CGO_ENABLED=1 GOBIN=$peers go install github.com/amacneil/dbmate/v2@v2.28.0 2>/dev/null || {
      dir=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json github.com/amacneil/dbmate/v2@v2.28.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
      [ -n "$dir" ] && (cd "$dir" && CGO_ENABLED=1 go build -o "$peers/dbmate" .)
    } || echo "dbmate could not be installed; it is left out" >&2
  fi
  export DBPREP_BENCH_PEERS=$peers
fi
# BENCH picks benchmarks by name (default: all), e.g. BENCH='Apply|Noop|Peers',
# or BENCH=MySQLPeers for the MySQL peers on a throwaway MariaDB.
out=$(go test -run '^$' -bench "${BENCH:-.}" -benchtime "${COUNT:-5}x" ./bench/ | tee >(cat >&2))
awk '
  /^Benchmark(MySQL)?Peers/ {
    split($1, p, "/"); kind = p[3]; sub(/-[0-9]+$/, "", kind)
    if ($1 ~ /^BenchmarkMySQLPeers/) { kind = "mysql-" kind; mysql = 1 }
    for (i = 3; i < NF; i += 2) {
      unit = $(i + 1)
      if (unit ~ /-ms$/) { tool = unit; sub(/-ms$/, "", tool); peer[kind "/" tool] = $i; tools[tool] = 1 }
      if (unit ~ /-KiB$/) { tool = unit; sub(/-KiB$/, "", tool); rss[kind "/" tool] = $i }
    }
    next
  }
  /^Benchmark/ { k = split($1, p, "/"); name = p[k]; sub(/-[0-9]+$/, "", name); ns[name] = $3 }
  function ratio(a, b) { if (ns[a] && ns[b]) printf "%-34s %6.2fx of %s\n", a, ns[a] / ns[b], b }
  END {
    print ""
    ratio("dbprep-prepare", "sqlite3-one-transaction")
    ratio("dbprep-migrate-run", "sqlite3-transaction-per-migration")
    ratio("dbprep-migrate-run-noop", "sqlite3-open-one-query")
    ratio("dbprep-migrate-run-noop", "sqlite3-one-query-and-sha384sum")
    ratio("dbprep-migrate-check-noop", "sqlite3-one-query-and-sha384sum")
    ratio("dbprep-migrate-run-postgres", "psql-transaction-per-migration")
    ratio("dbprep-vet-warm", "go-vet-warm")
    ratio("dbprep-vet-cold", "go-vet-cold")
    n = split("dbprep dbprep-base goose goose-sqlite golang-migrate dbmate", order, " ")
    if (("apply/dbprep") in peer) {
      print ""
      printf "%-16s %11s %11s %13s %11s %11s %13s\n", "tool", "apply (ms)", "no-op (ms)", "version (ms)", "apply RSS", "no-op RSS", "version RSS"
      for (i = 1; i <= n; i++) {
        t = order[i]
        if (!(t in tools)) continue
        printf "%-16s %11.1f %11.1f %13.2f %7.1f MiB %7.1f MiB %9.1f MiB\n", t, peer["apply/" t], peer["noop/" t], peer["version/" t],
          rss["apply/" t] / 1024, rss["noop/" t] / 1024, rss["version/" t] / 1024
      }
      for (i = 2; i <= n; i++) {
        t = order[i]
        if (!(t in tools)) continue
        printf "dbprep / %-16s apply %5.2fx  no-op %5.2fx  version %5.2fx  no-op RSS %5.2fx  version RSS %5.2fx\n", t,
          peer["apply/dbprep"] / peer["apply/" t], peer["noop/dbprep"] / peer["noop/" t], peer["version/dbprep"] / peer["version/" t],
          rss["noop/dbprep"] / rss["noop/" t], rss["version/dbprep"] / rss["version/" t]
      }
    }
    if (mysql) {
      print ""
      print "MySQL (MariaDB):"
      printf "%-16s %11s %11s\n", "tool", "apply (ms)", "no-op (ms)"
      for (i = 1; i <= n; i++) {
        t = order[i]
        if (!(("mysql-apply/" t) in peer)) continue
        printf "%-16s %11.1f %11.2f\n", t, peer["mysql-apply/" t], peer["mysql-noop/" t]
      }
      for (i = 2; i <= n; i++) {
        t = order[i]
        if (!(("mysql-apply/" t) in peer)) continue
        printf "dbprep / %-16s apply %5.2fx  no-op %5.2fx\n", t, peer["mysql-apply/dbprep"] / peer["mysql-apply/" t], peer["mysql-noop/dbprep"] / peer["mysql-noop/" t]
      }
    }
  }' <<<"$out"
