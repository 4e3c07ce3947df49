# Sourced by the dbprepLinkDatabase build phase for a PostgreSQL (ENGINE
# pg) or MySQL (ENGINE my) database: make a new cluster or data directory
# in $TMPDIR, start a server on a unix socket there (no TCP; where that
# path is too long for a socket, in the data directory, reached through
# /proc; without /proc, a short directory of its own), load the prepared
# dump.sql into it, export DATABASE_URL (or VAR) for the build and the
# check phase, and stop the server when the build ends, whether it succeeds
# or fails (stdenv's exitHooks and failureHooks; with multi-user Nix, the
# daemon also kills whatever a build user left running). For DATABASE_URL's
# database the client's own variables are exported too (PGHOST, PGUSER and
# PGDATABASE; MYSQL_HOME and MYSQL_UNIX_PORT), and the engine's programs
# put on PATH. Each database has a directory, and a server, of its own.
# Usage: source link-server.sh ENGINE ENGINE_SH DATABASE_OUT ENGINE_BIN DBNAME [VAR]
dbprep_link_server() {
  local e="$1"
  source "$2"
  local db="$3" bin="$4" name="$5" var="${6:-DATABASE_URL}" dir="${TMPDIR:-/tmp}/dbprep-$1"
  [ "$var" = DATABASE_URL ] || dir="$dir-$var"
  "dbprep_${e}_refuse_root" build || exit 1
  mkdir -p "$dir"
  local sock stop url
  sock=$("dbprep_${e}_socket_dir" "$dir") || exit 1
  stop="dbprep_${e}_stop '$bin' '$dir/data'"
  case "$sock" in "$dir" | .) ;; *) stop="$stop; rm -rf '$sock'" ;; esac
  exitHooks+=("$stop")
  failureHooks+=("$stop")
  "dbprep_${e}_load" "$bin" "$dir/data" "$sock" "$dir/server.log" "$db/dump.sql" || exit 1
  url=$("dbprep_${e}_url" "$name" "$dir/data" "$sock")
  export "$var=$url"
  [ "$var" != DATABASE_URL ] || "dbprep_${e}_client_env" "$name" "$dir/data" "$sock"
  case ":$PATH:" in *":$bin:"*) ;; *) export PATH="$bin:$PATH" ;; esac
  echo "dbprep: $var=$url (from $db)"
}
dbprep_link_server "$@"
