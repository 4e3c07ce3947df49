# devShellHook { migrations } or { database } [ { dest ? ".dbprep/db.sqlite3" } ] -> string
#
# A shellHook fragment: copies the prepared database to `dest` (relative to
# the shell's working directory) when missing or stale, makes it writable
# and exports DATABASE_URL=sqlite:<dest>.
{ prepareDatabase }:
{ migrations ? null, database ? null, dest ? ".dbprep/db.sqlite3" }:
let
  db = if database != null then database else prepareDatabase { inherit migrations; };
in
''
  source ${./dev-shell-hook.sh} ${db}/db.sqlite3 ${dest}
''
