# Sourced by the dbprepLinkDatabase build phase for a PostgreSQL database:
# make a new cluster in $TMPDIR, start a server on a unix socket there (or
# in a short directory of its own when that path is too long; no TCP), load
# the prepared dump.sql into it, export DATABASE_URL (and PGHOST, PGUSER, PGDATABASE, and psql on
# PATH) for the build and the check phase, and stop the server when the
# build ends, whether it succeeds or fails (stdenv's exitHooks and
# failureHooks; with multi-user Nix, the daemon also kills whatever a build
# user left running).
# VAR (DATABASE_URL by default) is the variable exported; PGHOST, PGUSER
# and PGDATABASE are exported for DATABASE_URL's database only. Each
# database has a directory, and a server, of its own.
# Usage: source link-postgres.sh POSTGRES_SH DATABASE_OUT PGBIN DBNAME [VAR]
dbprep_link_postgres() {
  source "$1"
  local db="$2" pgbin="$3" name="$4" var="${5:-DATABASE_URL}" dir="${TMPDIR:-/tmp}/dbprep-pg"
  [ "$var" = DATABASE_URL ] || dir="$dir-$var"
  dbprep_pg_refuse_root build || exit 1
  mkdir -p "$dir"
  # The socket: beside the data unless that path is too long for a socket.
  local sock stop
  sock=$(dbprep_pg_socket_dir "$dir") || exit 1
  stop="dbprep_pg_stop '$pgbin' '$dir/data'"
  case "$sock" in "$dir" | .) ;; *) stop="$stop; rm -rf '$sock'" ;; esac
  exitHooks+=("$stop")
  failureHooks+=("$stop")
  dbprep_pg_load "$pgbin" "$dir/data" "$sock" "$dir/postgres.log" "$db/dump.sql" || exit 1
  local host
  host=$(dbprep_pg_host "$dir/data" "$sock")
  export "$var=postgres:///$name?host=$host&user=postgres"
  [ "$var" != DATABASE_URL ] || export PGHOST="$host" PGUSER=postgres PGDATABASE="$name"
  case ":$PATH:" in *":$pgbin:"*) ;; *) export PATH="$pgbin:$PATH" ;; esac
  echo "dbprep: $var=postgres:///$name?host=$host&user=postgres (from $db)"
}
dbprep_link_postgres "$@"
