# Sourced by the dbprepLinkDatabase build phase: copy the prepared database
# to a writable place under $TMPDIR and point VAR (DATABASE_URL by default)
# at it, for the build and the check phase.
# Usage: source link-database.sh STORE_DB_FILE [VAR]
dbprep_link_database() {
  local src="$1" var="${2:-DATABASE_URL}" dir="${TMPDIR:-/tmp}/dbprep" file=db.sqlite3
  [ "$var" = DATABASE_URL ] || file="$var.sqlite3"
  mkdir -p "$dir"
  cp "$src" "$dir/$file"
  chmod u+w "$dir/$file"
  export "$var=sqlite://$dir/$file"
  echo "dbprep: $var=sqlite://$dir/$file (from $src)"
}
dbprep_link_database "$@"
