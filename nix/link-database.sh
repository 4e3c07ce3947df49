# Sourced by the dbprepLinkDatabase build phase: copy the prepared database
# to a writable place under $TMPDIR and point DATABASE_URL at it, for the
# build and the check phase. Usage: source link-database.sh STORE_DB_FILE
dbprep_link_database() {
  local src="$1" dir="${TMPDIR:-/tmp}/dbprep"
  mkdir -p "$dir"
  cp "$src" "$dir/db.sqlite3"
  chmod u+w "$dir/db.sqlite3"
  export DATABASE_URL="sqlite://$dir/db.sqlite3"
  echo "dbprep: DATABASE_URL=$DATABASE_URL (from $src)"
}
dbprep_link_database "$@"
