# Sourced by the dev shell hooks: bring the developer's copy of the
# database up to new migrations, as `sqlx migrate run` would, instead of
# throwing its data away.
#
# dbprep_dev_upgrade DBPREP MIGRATIONS CONFIG COMPAT URL DEST: returns 0 when
# the copy now holds every migration (its ledger was a prefix of the new
# migrations: same versions, same checksums, nothing dirty; the new ones
# were applied on top, the data kept), 1 when the history diverged (an
# edited or removed migration, a dirty ledger: the caller replaces the
# copy; the reason is printed), and 2 when a new migration failed on the
# copy's data (the copy is kept as it was before that migration, and the
# message says how to go on).
dbprep_dev_upgrade() {
  local dbprep="$1" src="$2" config="$3" compat="$4" url="$5" dest="$6" out rc line why=""
  local -a run=("$dbprep" --no-dotenv --config "$config" --sqlx-compat "$compat")
  out=$("${run[@]}" migrate check --source "$src" -D "$url" 2>&1)
  rc=$?
  case $rc in
    0) return 0 ;;
    3) ;;
    *) echo "dbprep: could not read the ledger of $dest: $out"; return 1 ;;
  esac
  while IFS= read -r line; do
    case "$line" in
      *"dirty: "* | *"modified: "* | *"missing: "* | *"duplicate migration version"*) why="$why${why:+; }${line#"${line%%[! ]*}"}" ;;
    esac
  done <<<"$out"
  if [ -n "$why" ]; then
    echo "dbprep: the migrations' history changed under $dest ($why)"
    return 1
  fi
  if out=$("${run[@]}" migrate run --source "$src" -D "$url" 2>&1); then
    while IFS= read -r line; do echo "dbprep: $line"; done <<<"$out"
    echo "dbprep: applied the new migrations to $dest; your data is kept"
    return 0
  fi
  echo "dbprep: a new migration failed on the data in $dest, which is kept as it was before that migration:"
  while IFS= read -r line; do echo "dbprep:   $line"; done <<<"$out"
  echo "dbprep: fix the data or the migration and enter the shell again, or delete $dest for a fresh copy"
  return 2
}
