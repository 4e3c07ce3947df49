# The build of a MySQL or MariaDB prepared database, as prepare-postgres.sh
# is PostgreSQL's: a new data directory, a server on a socket in $TMPDIR (or
# in the data directory, reached through /proc, when that path is too long),
# the migrations applied with dbprep, the ledger's clock columns pinned,
# $out/dump.sql (mysql.sh says what it holds) and $out/schema.sql. With
# CHECK=1 the dump is loaded into a second, new server and dumped again: the
# build fails unless both are the same bytes. Servers are stopped when the
# build ends.
# Usage: prepare-mysql.sh MYSQL_SH MYBIN DBNAME SOURCE CONFIG SQLX_COMPAT TABLE CHECK
set -euo pipefail
source "$1"
mybin="$2" name="$3" src="$4" config="$5" compat="$6" table="$7" check="$8"
mkdir -p "$out"
work="$TMPDIR/my"
sock=$(dbprep_my_socket_dir "$work")
cleanup() {
  dbprep_my_stop "$mybin" "$work/data"
  dbprep_my_stop "$mybin" "$work/check"
  case "$sock" in "$work" | .) ;; *) rm -rf "$sock" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work"
dbprep_my_init "$mybin" "$work/data"
dbprep_my_start "$mybin" "$work/data" "$sock" "$work/data.log"
socket=$(dbprep_my_socket "$work/data" "$sock")
dbprep_my_accounts "$mybin" "$socket" >"$work/accounts"
url="mysql://root@localhost/$name?socket=$socket"
dbprep --no-dotenv --config "$config" --sqlx-compat "$compat" database setup --source "$src" -D "$url"
# installed_on is SOURCE_DATE_EPOCH and execution_time 0, so the ledger is
# the same every build. A TIMESTAMP holds no time before 1970-01-01
# 00:00:01 UTC: an epoch of 0 (the default) is stored as that second.
epoch=${SOURCE_DATE_EPOCH:-0}
[ "$epoch" -ge 1 ] || epoch=1
dbprep_my_sql "$mybin" "$socket" "SET time_zone = '+00:00'; UPDATE \`$name\`.\`$table\` SET installed_on = FROM_UNIXTIME($epoch), execution_time = 0"
dbprep --no-dotenv --config "$config" schema -D "$url" --out "$out/schema.sql"
dbprep_my_dump "$mybin" "$socket" "$name" "$out/dump.sql" "$work/accounts"
dbprep_my_stop "$mybin" "$work/data"
if [ "$check" = 1 ]; then
  dbprep_my_load "$mybin" "$work/check" "$sock" "$work/check.log" "$out/dump.sql"
  socket=$(dbprep_my_socket "$work/check" "$sock")
  # A new server has the same accounts of its own as the first.
  dbprep_my_dump "$mybin" "$socket" "$name" "$work/again.sql" "$work/accounts"
  if ! cmp -s "$out/dump.sql" "$work/again.sql"; then
    echo "dbprep: the dump, loaded into a new server and dumped again, differs:" >&2
    diff "$out/dump.sql" "$work/again.sql" | head -n 40 >&2 || true
    exit 1
  fi
fi
