# The build of a PostgreSQL prepared database: initdb, start a server on a
# socket in $TMPDIR (or a short directory of its own), apply the migrations
# with dbprep, pin the ledger's clock columns, and write $out/dump.sql
# (postgres.sh says what it holds) and $out/schema.sql. With CHECK=1 the dump
# is loaded into a second, new cluster, as the build helpers and dev shells
# load it, and dumped again: the build fails unless both are the same bytes.
# Nothing is left outside the build directory (postgres.sh,
# dbprep_pg_socket_dir): servers are stopped, and on a system without
# /proc a socket directory of its own is removed when the build ends.
# Usage: prepare-postgres.sh POSTGRES_SH PGBIN DBNAME SOURCE CONFIG SQLX_COMPAT TABLE CHECK
set -euo pipefail
source "$1"
pgbin="$2" name="$3" src="$4" config="$5" compat="$6" table="$7" check="$8"
dbprep_pg_refuse_root "build of the PostgreSQL database"
mkdir -p "$out"
work="$TMPDIR/pg"
sock=$(dbprep_pg_socket_dir "$work")
cleanup() {
  dbprep_pg_stop "$pgbin" "$work/data"
  dbprep_pg_stop "$pgbin" "$work/check"
  case "$sock" in "$work" | .) ;; *) rm -rf "$sock" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work"
# Fixed locale, encoding and authentication, so the cluster is the same
# wherever it is made.
"$pgbin/initdb" -D "$work/data" --username=postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
dbprep_pg_start "$pgbin" "$work/data" "$sock" "$work/postgres.log"
host=$(dbprep_pg_host "$work/data" "$sock")
url="postgres:///$name?host=$host&user=postgres"
dbprep --no-dotenv --config "$config" --sqlx-compat "$compat" database setup --source "$src" -D "$url"
# As `dbprep prepare` does for SQLite: installed_on is SOURCE_DATE_EPOCH
# (default 0) and execution_time 0, so the ledger is the same every build.
"$pgbin/psql" -h "$host" -U postgres -d "$name" -X -q -v ON_ERROR_STOP=1 \
  -c "UPDATE $table SET installed_on = to_timestamp(${SOURCE_DATE_EPOCH:-0}), execution_time = 0"
PATH="$pgbin:$PATH" dbprep --no-dotenv --config "$config" schema -D "$url" --out "$out/schema.sql"
dbprep_pg_dump "$pgbin" "$host" "$name" "$out/dump.sql"
dbprep_pg_stop "$pgbin" "$work/data"
if [ "$check" = 1 ]; then
  dbprep_pg_load "$pgbin" "$work/check" "$sock" "$work/check.log" "$out/dump.sql"
  dbprep_pg_dump "$pgbin" "$(dbprep_pg_host "$work/check" "$sock")" "$name" "$work/again.sql"
  if ! cmp -s "$out/dump.sql" "$work/again.sql"; then
    echo "dbprep: the dump, loaded into a new server and dumped again, differs:" >&2
    diff "$out/dump.sql" "$work/again.sql" | head -n 40 >&2 || true
    exit 1
  fi
fi
