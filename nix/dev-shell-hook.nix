# devShellHook { migrations | database, dest ? ".dbprep/db.sqlite3" or ".dbprep/pgdata" } -> string
#
# A shellHook fragment, by the database's engine. SQLite: copies the
# prepared database to `dest` (relative to the shell's working directory)
# when missing or stale, makes it writable and exports DATABASE_URL with the
# copy's absolute path, so it holds in subdirectories too (`go test
# ./pkg/...` runs each test in its package's directory). PostgreSQL: keeps a
# copy of the data directory at `dest`, starts a server on a unix socket for
# it unless one runs, exports DATABASE_URL, and defines `dbprep-pg
# start|stop|status`.
{ databaseArg }:
{ dest ? null, ... }@args:
let
  db = databaseArg "devShellHook" (removeAttrs args [ "dest" ]);
  postgres = (db.engine or "sqlite") == "postgresql";
  to = if dest != null then dest else if postgres then ".dbprep/pgdata" else ".dbprep/db.sqlite3";
in
if postgres then ''
  source ${./dev-shell-postgres.sh} ${./postgres.sh} ${db} ${db.postgresql}/bin ${db.databaseName} ${to}
'' else ''
  source ${./dev-shell-hook.sh} ${db}/db.sqlite3 ${to}
''
