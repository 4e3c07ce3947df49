# Sourced by the dbprepLinkDatabase build phase for a PostgreSQL database:
# copy its data directory to $TMPDIR, start a server on a unix socket there
# (no TCP), export DATABASE_URL (and PGHOST, PGUSER, PGDATABASE, and psql on
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
  dbprep_pg_start "$pgbin" "$dir/data" "$dir" "$dir/postgres.log" || exit 1
  exitHooks+=("dbprep_pg_stop '$pgbin' '$dir/data'")
  failureHooks+=("dbprep_pg_stop '$pgbin' '$dir/data'")
  export DATABASE_URL="postgres:///$name?host=$dir&user=postgres"
  export PGHOST="$dir" PGUSER=postgres PGDATABASE="$name" PATH="$pgbin:$PATH"
  echo "dbprep: DATABASE_URL=$DATABASE_URL (from $db)"
}
dbprep_link_postgres "$@"
