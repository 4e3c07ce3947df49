# The build of a PostgreSQL prepared database: initdb, start a server on a
# socket in $TMPDIR (or a short directory of its own), apply the migrations with dbprep, stop it cleanly.
# Usage: prepare-postgres.sh POSTGRES_SH PGBIN DBNAME SOURCE CONFIG SQLX_COMPAT
set -euo pipefail
source "$1"
pgbin="$2" name="$3" src="$4" config="$5" compat="$6"
dbprep_pg_refuse_root "build of the PostgreSQL database"
mkdir -p "$out"
# Fixed locale, encoding and authentication, so the cluster is the same
# wherever it is made (initdb still writes a random system identifier).
"$pgbin/initdb" -D "$out/data" --username=postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
sock=$(dbprep_pg_socket_dir "$TMPDIR/pg")
trap 'dbprep_pg_stop "$pgbin" "$out/data"; [ "$sock" = "$TMPDIR/pg" ] || rm -rf "$sock"' EXIT
dbprep_pg_start "$pgbin" "$out/data" "$sock" "$TMPDIR/postgres.log"
url="postgres:///$name?host=$sock&user=postgres"
dbprep --no-dotenv --config "$config" --sqlx-compat "$compat" database setup --source "$src" -D "$url"
PATH="$pgbin:$PATH" dbprep --no-dotenv --config "$config" schema -D "$url" --out "$out/schema.sql"
dbprep_pg_stop "$pgbin" "$out/data"
[ "$sock" = "$TMPDIR/pg" ] || rm -rf "$sock"
trap - EXIT
# The server's command line (with this build's temporary path) is no part
# of the database.
rm -f "$out/data/postmaster.opts"
