# Sourced by the dev shell hooks: bring the developer's copy of the
# database up to new migrations, as `sqlx migrate run` would, instead of
# throwing its data away.
#
# dbprep_dev_upgrade DBPREP MIGRATIONS CONFIG COMPAT URL DEST: returns 0 when
# the copy now holds every migration (its ledger was a prefix of the new
# migrations: same versions, same checksums, nothing dirty; the new ones
# were applied on top, the data kept), 1 when the history diverged (an
# edited or removed migration, a dirty ledger: the caller replaces the
# copy, after dbprep_dev_backup; the reason is printed, naming the files
# under the project's migrations directory), and 2 when a new migration
# failed on the copy's data (the copy is kept as it was before that
# migration, and the message says how to go on).
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
      *"dirty: "* | *"modified: "* | *"missing: "* | *"duplicate migration version"*)
        line=$(dbprep_dev_project_path "$src" "$line")
        why="$why${why:+; }${line#"${line%%[! ]*}"}" ;;
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
  case "$url" in
    mysql://*)
      # MySQL commits each DDL statement: what ran before the failing one
      # stays, with a dirty ledger row (the hint says the two ways out).
      echo "dbprep: a new migration failed on the data in $dest; MySQL kept what ran before the failing statement, as the hint below says:" ;;
    *) echo "dbprep: a new migration failed on the data in $dest, which is kept as it was before that migration:" ;;
  esac
  while IFS= read -r line; do echo "dbprep:   $line"; done <<<"$out"
  echo "dbprep: fix the data or the migration and enter the shell again, or delete $dest for a fresh copy"
  return 2
}

# dbprep_dev_project_path MIGRATIONS LINE: LINE with the store path of the
# migrations (MIGRATIONS/NAME) replaced by the file the developer edits: the
# shell's source directory ($DBPREP_SOURCE, set by devShellHook's `source`)
# or ./migrations, whichever holds NAME. A file found in neither keeps its
# store path.
dbprep_dev_project_path() {
  local src="$1" line="$2" rest name dir
  while [[ "$line" == *"$src/"* ]]; do
    rest="${line#*"$src/"}"
    name="${rest%%[) ]*}"
    for dir in "${DBPREP_SOURCE:-}" "$PWD/migrations"; do
      if [ -n "$dir" ] && [ -f "$dir/$name" ]; then
        dir="${dir#"$PWD/"}"
        break
      fi
      dir=""
    done
    [ -n "$dir" ] || break
    line="${line%%"$src/"*}$dir/$rest"
  done
  printf '%s\n' "$line"
}

# dbprep_dev_backup DEST: move the developer's copy DEST (a SQLite file with
# its -wal, -shm and -journal files, or a PostgreSQL data directory, its
# server stopped) aside to DEST.backup-TIME before a new copy replaces it,
# and keep the newest three such backups of DEST. Returns 1, leaving DEST
# where it is, when the move fails: the caller must then not replace it.
dbprep_dev_backup() {
  local dest="$1" backup last="" n ext old
  backup="$dest.backup-$(date -u +%Y%m%dT%H%M%SZ)"
  # A second backup within the same second sorts after the first: -01, -02…
  for old in "$backup" "$backup"-[0-9][0-9]; do
    [ ! -e "$old" ] || last="$old"
  done
  if [ -n "$last" ]; then
    n="${last#"$backup"}"
    n="${n#-}"
    backup="$backup-$(printf %02d $((10#${n:-0} + 1)))"
  fi
  if ! mv "$dest" "$backup"; then
    echo "dbprep: could not move $dest aside to $backup; it is left as it is" >&2
    return 1
  fi
  for ext in -wal -shm -journal; do
    [ ! -e "$dest$ext" ] || mv "$dest$ext" "$backup$ext"
  done
  echo "dbprep: your copy, with what you wrote in it, is kept as $backup"
  # Names sort by time; drop all but the newest three (with their files).
  local -a all=()
  for old in "$dest".backup-*; do
    case "$old" in *-wal | *-shm | *-journal) continue ;; esac
    [ -e "$old" ] && all+=("$old")
  done
  while [ ${#all[@]} -gt 3 ]; do
    rm -rf "${all[0]}" "${all[0]}-wal" "${all[0]}-shm" "${all[0]}-journal"
    echo "dbprep: removed the oldest backup, ${all[0]} (the newest three are kept)"
    all=("${all[@]:1}")
  done
}
