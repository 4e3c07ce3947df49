# Sourced by a dev shell's shellHook for a PostgreSQL database: keep a
# data directory in the project with the prepared dump loaded into it (a
# new cluster, made on the first entry), run a server on a
# unix socket for it (started on entering the shell unless it runs
# already), export DATABASE_URL (and PGHOST, PGUSER, PGDATABASE; psql and
# the dbprep-pg program on PATH).
# A changed database (the migrations changed) is applied on top of the
# copy, keeping its data, when the copy's history is a prefix of the new
# migrations; otherwise the copy is moved aside as a backup, after
# stopping its server, and replaced; the hook says why and where the backup is.
# VAR (DATABASE_URL by default) is the variable exported; PGHOST, PGUSER
# and PGDATABASE are DATABASE_URL's database's only. Every server is listed
# in DBPREP_PG_SERVERS for dbprep-pg, a line each: VAR, the PostgreSQL
# programs, the data directory and the socket directory, tab-separated.
# Usage: source dev-shell-postgres.sh POSTGRES_SH UPGRADE_SH BIN DATABASE_OUT PGBIN DBNAME DEST DBPREP MIGRATIONS CONFIG COMPAT [VAR]
dbprep_dev_postgres() {
  source "$1"
  source "$2"
  local tools="$3" db="$4" pgbin="$5" name="$6" dest="${7:-.dbprep/pgdata}" dbprep="$8" migrations="$9" config="${10}" compat="${11}" var="${12:-DATABASE_URL}"
  dbprep_pg_refuse_root "dev shell" || return 1
  case "$dest" in
    /*) ;;
    *) dest="$PWD/$dest" ;;
  esac
  # A socket path has at most 107 bytes: keep it short, one per copy.
  local sock="${XDG_RUNTIME_DIR:-/tmp}/dbprep-pg-$(printf %s "$dest" | cksum | cut -d ' ' -f 1)"
  local url="postgres:///$name?host=$sock&user=postgres" rc=0
  if [ -d "$dest" ] && [ "$(cat "$dest.source" 2>/dev/null)" != "$db" ]; then
    if ! "$pgbin/pg_ctl" -D "$dest" status >/dev/null 2>&1; then
      dbprep_pg_start "$pgbin" "$dest" "$sock" "$dest.log" || rc=2
    fi
    [ $rc != 0 ] || dbprep_dev_upgrade "$dbprep" "$migrations" "$config" "$compat" "$url" "$dest" || rc=$?
    case $rc in
      0) printf '%s\n' "$db" >"$dest.source" ;;
      1) dbprep_pg_stop "$pgbin" "$dest"
         dbprep_dev_backup "$dest" || return 1
         echo "dbprep: replacing $dest with the new prepared database" ;;
    esac
  fi
  if [ ! -d "$dest" ]; then
    mkdir -p "$(dirname "$dest")"
    if ! dbprep_pg_load "$pgbin" "$dest" "$sock" "$dest.log" "$db/dump.sql"; then
      # Made just now, holding nothing of the developer's: not left half-made.
      dbprep_pg_stop "$pgbin" "$dest" >/dev/null
      rm -rf "$dest"
      return 1
    fi
    printf '%s\n' "$db" >"$dest.source"
    echo "dbprep: loaded the prepared database into $dest"
  elif "$pgbin/pg_ctl" -D "$dest" status >/dev/null 2>&1; then
    echo "dbprep: PostgreSQL already runs on $sock"
  else
    dbprep_pg_start "$pgbin" "$dest" "$sock" "$dest.log" || return 1
  fi
  export "$var=$url"
  if [ "$var" = DATABASE_URL ]; then
    export PGHOST="$sock" PGUSER=postgres PGDATABASE="$name"
  fi
  # This server's line replaces any earlier one of VAR (a hook run again).
  local tab=$'\t' line servers=""
  while IFS= read -r line; do
    [ -n "$line" ] && [ "${line%%"$tab"*}" != "$var" ] && servers+="$line"$'\n'
  done <<<"${DBPREP_PG_SERVERS:-}"
  export DBPREP_PG_SH="$1" DBPREP_PG_SERVERS="$servers$var$tab$pgbin$tab$dest$tab$sock"
  case ":$PATH:" in *":$pgbin:"*) ;; *) export PATH="$pgbin:$PATH" ;; esac
  case ":$PATH:" in *":$tools:"*) ;; *) export PATH="$tools:$PATH" ;; esac
  echo "dbprep: $var=$url (stop the server with: dbprep-pg stop $var; every server: dbprep-pg stop)"
}
dbprep_dev_postgres "$@"
