# Sourced by a dev shell's shellHook: keep a writable copy of the prepared
# database in the project and export DATABASE_URL with its absolute path.
# The copy is made when it is missing. When it was made from another
# prepared database (the migrations changed), the new migrations are
# applied on top of it and its data kept, as `sqlx migrate run` would; only
# when the history diverged (an edited or removed migration) is it
# replaced, after it is moved aside as a backup, and the hook says why and
# where the backup is. Otherwise it is left alone.
# VAR (DATABASE_URL by default) is the variable exported.
# Usage: source dev-shell-hook.sh UPGRADE_SH STORE_DB_FILE DEST DBPREP MIGRATIONS CONFIG COMPAT [VAR]
dbprep_dev_database() {
  source "$1"
  local src="$2" dest="${3:-.dbprep/db.sqlite3}" dbprep="$4" migrations="$5" config="$6" compat="$7" var="${8:-DATABASE_URL}"
  case "$dest" in
    /*) ;;
    *) dest="$PWD/$dest" ;;
  esac
  local stamp="$dest.source" rc=0
  if [ -f "$dest" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$src" ]; then
    dbprep_dev_upgrade "$dbprep" "$migrations" "$config" "$compat" "sqlite://$dest" "$dest" || rc=$?
    case $rc in
      0) printf '%s\n' "$src" >"$stamp" ;;
      1) dbprep_dev_backup "$dest" || return 1
         echo "dbprep: replacing $dest with the new prepared database" ;;
    esac
  fi
  if [ ! -f "$dest" ]; then
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest.tmp"
    chmod u+w "$dest.tmp"
    mv "$dest.tmp" "$dest"
    printf '%s\n' "$src" >"$stamp"
    echo "dbprep: copied the prepared database to $dest"
  fi
  export "$var=sqlite://$dest"
}
dbprep_dev_database "$@"
