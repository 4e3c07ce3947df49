# Sourced by a dev shell's shellHook: keep a writable copy of the prepared
# database in the project and export DATABASE_URL with its absolute path.
# The copy is made when it is missing or was made from another store path
# (the migrations changed: then it is replaced, and the hook says so);
# otherwise it is left alone, with whatever data the developer put in it.
# Usage: source dev-shell-hook.sh STORE_DB_FILE [DEST]
dbprep_dev_database() {
  local src="$1" dest="${2:-.dbprep/db.sqlite3}"
  case "$dest" in
    /*) ;;
    *) dest="$PWD/$dest" ;;
  esac
  local stamp="$dest.source"
  if [ ! -f "$dest" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$src" ]; then
    if [ -f "$dest" ]; then
      echo "dbprep: the migrations changed; replacing $dest with the new prepared database (what you wrote in it is dropped)"
    fi
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest.tmp"
    chmod u+w "$dest.tmp"
    mv "$dest.tmp" "$dest"
    printf '%s\n' "$src" > "$stamp"
    echo "dbprep: copied the prepared database to $dest"
  fi
  export DATABASE_URL="sqlite://$dest"
}
dbprep_dev_database "$@"
