# Sourced by the dbprepLinkDatabase build phase for a MySQL or MariaDB
# database, as link-postgres.sh is for PostgreSQL: a new data directory in
# $TMPDIR, a server on a unix socket there (no TCP; in the data directory,
# reached through /proc, when that path is too long for a socket), the
# prepared dump.sql loaded into it, DATABASE_URL (or VAR) exported for the
# build and the check phase (and, for DATABASE_URL, the mysql client's
# MYSQL_HOME and MYSQL_UNIX_PORT, with the server's programs on PATH), and the server stopped when the build ends,
# whether it succeeds or fails (stdenv's exitHooks and failureHooks; with
# multi-user Nix, the daemon also kills whatever a build user left
# running). Each database has a directory, and a server, of its own.
# Usage: source link-mysql.sh MYSQL_SH DATABASE_OUT MYBIN DBNAME [VAR]
dbprep_link_mysql() {
  source "$1"
  local db="$2" mybin="$3" name="$4" var="${5:-DATABASE_URL}" dir="${TMPDIR:-/tmp}/dbprep-my"
  [ "$var" = DATABASE_URL ] || dir="$dir-$var"
  mkdir -p "$dir"
  local sock stop socket
  sock=$(dbprep_my_socket_dir "$dir") || exit 1
  stop="dbprep_my_stop '$mybin' '$dir/data'"
  case "$sock" in "$dir" | .) ;; *) stop="$stop; rm -rf '$sock'" ;; esac
  exitHooks+=("$stop")
  failureHooks+=("$stop")
  dbprep_my_load "$mybin" "$dir/data" "$sock" "$dir/mysql.log" "$db/dump.sql" || exit 1
  socket=$(dbprep_my_socket "$dir/data" "$sock")
  export "$var=mysql://root@localhost/$name?socket=$socket"
  # The mysql client's own settings, for DATABASE_URL's database.
  [ "$var" != DATABASE_URL ] || dbprep_my_client_env "$name" "$sock" "$dir/data"
  case ":$PATH:" in *":$mybin:"*) ;; *) export PATH="$mybin:$PATH" ;; esac
  echo "dbprep: $var=mysql://root@localhost/$name?socket=$socket (from $db)"
}
dbprep_link_mysql "$@"
