# Sourced by the dbprepLinkDatabase build phase for a PostgreSQL database:
# copy its data directory to $TMPDIR, start a server on a unix socket there
# (or in a short directory of its own when that path is too long; no TCP), export DATABASE_URL (and PGHOST, PGUSER, PGDATABASE, and psql on
# PATH) for the build and the check phase, and stop the server when the
# build ends, whether it succeeds or fails (stdenv's exitHooks and
# failureHooks; with multi-user Nix, the daemon also kills whatever a build
# user left running).
# Usage: source link-postgres.sh POSTGRES_SH DATABASE_OUT PGBIN DBNAME
dbprep_link_postgres() {
  source "$1"
  local db="$2" pgbin="$3" name="$4" dir="${TMPDIR:-/tmp}/dbprep-pg"
  dbprep_pg_refuse_root build || exit 1
  mkdir -p "$dir"
  cp -r "$db/data" "$dir/data"
  chmod -R u+w "$dir/data"
  chmod 700 "$dir/data"
  # The socket: beside the data unless that path is too long for a socket.
  local sock stop
  sock=$(dbprep_pg_socket_dir "$dir") || exit 1
  stop="dbprep_pg_stop '$pgbin' '$dir/data'"
  [ "$sock" = "$dir" ] || stop="$stop; rm -rf '$sock'"
  exitHooks+=("$stop")
  failureHooks+=("$stop")
  dbprep_pg_start "$pgbin" "$dir/data" "$sock" "$dir/postgres.log" || exit 1
  export DATABASE_URL="postgres:///$name?host=$sock&user=postgres"
  export PGHOST="$sock" PGUSER=postgres PGDATABASE="$name" PATH="$pgbin:$PATH"
  echo "dbprep: DATABASE_URL=$DATABASE_URL (from $db)"
}
dbprep_link_postgres "$@"
