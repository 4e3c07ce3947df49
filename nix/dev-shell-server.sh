# Sourced by a dev shell's shellHook for a PostgreSQL (ENGINE pg) or MySQL
# (ENGINE my) database: keep a data directory in the project with the
# prepared dump loaded into it (a new cluster or data directory, made on the
# first entry), run a server on a unix socket for it (started on entering
# the shell unless it runs already), export DATABASE_URL (and, for
# DATABASE_URL's database, the client's own variables: PGHOST, PGUSER and
# PGDATABASE, or MYSQL_HOME and MYSQL_UNIX_PORT), and put the engine's programs and the
# dbprep-pg or dbprep-my program on PATH.
# A changed database (the migrations changed) is applied on top of the
# copy, keeping its data, when the copy's history is a prefix of the new
# migrations; otherwise the copy is moved aside as a backup, after
# stopping its server, and replaced; the hook says why and where the backup is.
# VAR (DATABASE_URL by default) is the variable exported. Every server is
# listed in DBPREP_PG_SERVERS (DBPREP_MY_SERVERS) for dbprep-pg (dbprep-my),
# a line each: VAR, the engine's programs, the data directory and the socket
# directory, tab-separated; DBPREP_PG_SH (DBPREP_MY_SH) is the engine's
# functions (postgres.sh, mysql.sh).
# Usage: source dev-shell-server.sh ENGINE ENGINE_SH UPGRADE_SH BIN DATABASE_OUT ENGINE_BIN DBNAME DEST DBPREP MIGRATIONS CONFIG COMPAT [VAR]
dbprep_dev_server() {
  local e="$1"
  source "$2"
  source "$3"
  local tools="$4" db="$5" bin="$6" name="$7" dest="$8" dbprep="$9" migrations="${10}" config="${11}" compat="${12}" var="${13:-DATABASE_URL}"
  local program="dbprep-$e" kind=PostgreSQL
  [ "$e" = pg ] || kind=MySQL
  "dbprep_${e}_refuse_root" "dev shell" || return 1
  case "$dest" in
    /*) ;;
    *) dest="$PWD/$dest" ;;
  esac
  # A socket path has at most 107 bytes: keep it short, one per copy.
  local sock="${XDG_RUNTIME_DIR:-/tmp}/dbprep-$e-$(printf %s "$dest" | cksum | cut -d ' ' -f 1)"
  local url rc=0
  url=$("dbprep_${e}_url" "$name" "$dest" "$sock")
  if [ -d "$dest" ] && [ "$(cat "$dest.source" 2>/dev/null)" != "$db" ]; then
    if ! "dbprep_${e}_running" "$bin" "$dest"; then
      "dbprep_${e}_start" "$bin" "$dest" "$sock" "$dest.log" || rc=2
    fi
    [ $rc != 0 ] || dbprep_dev_upgrade "$dbprep" "$migrations" "$config" "$compat" "$url" "$dest" || rc=$?
    case $rc in
      0) printf '%s\n' "$db" >"$dest.source" ;;
      1) "dbprep_${e}_stop" "$bin" "$dest"
         dbprep_dev_backup "$dest" || return 1
         echo "dbprep: replacing $dest with the new prepared database" ;;
    esac
  fi
  if [ ! -d "$dest" ]; then
    mkdir -p "$(dirname "$dest")"
    if ! "dbprep_${e}_load" "$bin" "$dest" "$sock" "$dest.log" "$db/dump.sql"; then
      # Made just now, holding nothing of the developer's: not left half-made.
      "dbprep_${e}_stop" "$bin" "$dest" >/dev/null
      rm -rf "$dest"
      return 1
    fi
    printf '%s\n' "$db" >"$dest.source"
    echo "dbprep: loaded the prepared database into $dest"
  elif "dbprep_${e}_running" "$bin" "$dest"; then
    echo "dbprep: $kind already runs on $sock"
  else
    "dbprep_${e}_start" "$bin" "$dest" "$sock" "$dest.log" || return 1
  fi
  export "$var=$url"
  [ "$var" != DATABASE_URL ] || "dbprep_${e}_client_env" "$name" "$dest" "$sock"
  # This server's line replaces any earlier one of VAR (a hook run again).
  local list="DBPREP_${e^^}_SERVERS" tab=$'\t' line servers=""
  while IFS= read -r line; do
    [ -n "$line" ] && [ "${line%%"$tab"*}" != "$var" ] && servers+="$line"$'\n'
  done <<<"${!list:-}"
  export "DBPREP_${e^^}_SH=$2" "$list=$servers$var$tab$bin$tab$dest$tab$sock"
  case ":$PATH:" in *":$bin:"*) ;; *) export PATH="$bin:$PATH" ;; esac
  case ":$PATH:" in *":$tools:"*) ;; *) export PATH="$tools:$PATH" ;; esac
  echo "dbprep: $var=$url (stop the server with: $program stop $var; every server: $program stop)"
}
dbprep_dev_server "$@"
