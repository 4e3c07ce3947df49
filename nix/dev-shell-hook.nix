# devShellHook { migrations | database, dest ? ".dbprep/db.sqlite3" } -> string
#
# A shellHook fragment: copies the prepared database to `dest` (relative to
# the shell's working directory) when missing or stale, makes it writable
# and exports DATABASE_URL with the copy's absolute path, so it holds in
# subdirectories too (`go test ./pkg/...` runs each test in its package's
# directory).
{ databaseArg }:
{ dest ? ".dbprep/db.sqlite3", ... }@args:
let
  db = databaseArg "devShellHook" (removeAttrs args [ "dest" ]);
in
''
  source ${./dev-shell-hook.sh} ${db}/db.sqlite3 ${dest}
''
