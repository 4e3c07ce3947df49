# Sourced by a dev shell's shellHook for a PostgreSQL database: keep a
# writable copy of its data directory in the project, run a server on a
# unix socket for it (started on entering the shell unless it runs
# already), export DATABASE_URL (and PGHOST, PGUSER, PGDATABASE; psql on
# PATH), and define `dbprep-pg start|stop|status`.
# A changed database (the migrations changed) replaces the copy, after
# stopping its server, and says so.
# Usage: source dev-shell-postgres.sh POSTGRES_SH DATABASE_OUT PGBIN DBNAME [DEST]
dbprep_dev_postgres() {
  source "$1"
  local db="$2" pgbin="$3" name="$4" dest="${5:-.dbprep/pgdata}"
  dbprep_pg_refuse_root "dev shell" || return 1
  case "$dest" in
    /*) ;;
    *) dest="$PWD/$dest" ;;
  esac
  # A socket path has at most 107 bytes: keep it short, one per copy.
  local sock="${XDG_RUNTIME_DIR:-/tmp}/dbprep-pg-$(printf %s "$dest" | cksum | cut -d ' ' -f 1)"
  if [ -d "$dest" ] && [ "$(cat "$dest.source" 2>/dev/null)" != "$db" ]; then
    echo "dbprep: the migrations changed; replacing $dest with the new prepared database (what you wrote in it is dropped)"
    dbprep_pg_stop "$pgbin" "$dest"
    rm -rf "$dest"
  fi
  if [ ! -d "$dest" ]; then
    mkdir -p "$(dirname "$dest")"
    cp -r "$db/data" "$dest"
    chmod -R u+w "$dest"
    chmod 700 "$dest"
    printf '%s\n' "$db" >"$dest.source"
    echo "dbprep: copied the prepared database to $dest"
  fi
  if "$pgbin/pg_ctl" -D "$dest" status >/dev/null 2>&1; then
    echo "dbprep: PostgreSQL already runs on $sock"
  else
    dbprep_pg_start "$pgbin" "$dest" "$sock" "$dest.log" || return 1
  fi
  export DATABASE_URL="postgres:///$name?host=$sock&user=postgres"
  export PGHOST="$sock" PGUSER=postgres PGDATABASE="$name"
  case ":$PATH:" in *":$pgbin:"*) ;; *) export PATH="$pgbin:$PATH" ;; esac
  eval "dbprep-pg() {
    case \"\${1:-status}\" in
      start) '$pgbin/pg_ctl' -D '$dest' status >/dev/null 2>&1 || dbprep_pg_start '$pgbin' '$dest' '$sock' '$dest.log' ;;
      stop) dbprep_pg_stop '$pgbin' '$dest' ;;
      status) '$pgbin/pg_ctl' -D '$dest' status ;;
      *) echo 'usage: dbprep-pg start|stop|status' >&2; return 2 ;;
    esac
  }"
  echo "dbprep: DATABASE_URL=$DATABASE_URL (stop the server with: dbprep-pg stop)"
}
dbprep_dev_postgres "$@"
