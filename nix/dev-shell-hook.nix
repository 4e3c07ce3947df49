# devShellHook { migrations | database | databases, dest ?, source ? } -> string
#
# A shellHook fragment, by the database's engine. SQLite: copies the
# prepared database to `dest` (relative to the shell's working directory)
# when missing, makes it writable and exports DATABASE_URL with the copy's
# absolute path, so it holds in subdirectories too (`go test ./pkg/...` runs
# each test in its package's directory). PostgreSQL: keeps a copy of the
# data directory at `dest`, starts a server on a unix socket for it unless
# one runs, exports DATABASE_URL, and puts the `dbprep-pg start|stop|status
# [VAR…]` program on PATH (every server of the shell, or those named).
# MySQL and MariaDB: the same, with the data directory at .dbprep/mysqldata
# and the `dbprep-my` program. When
# the migrations change, the new ones are applied to the copy (its data
# kept) while its history is a prefix of them; the copy is replaced only
# when the history diverged.
#
# With `databases = { VAR = …; }` each database is kept the same way under
# .dbprep/ (DATABASE_URL's at the usual place, the others at
# .dbprep/VAR.sqlite3, .dbprep/pgdata-VAR or .dbprep/mysqldata-VAR) and exported under its own
# variable; `dest` and `source` then do not apply (each member has its own).
{ databaseArg, dbprep }:
{ dest ? null, source ? null, ... }@args:
let
  dbs = databaseArg.many "devShellHook" (args.name or null) args;
  several = args ? databases;
  # `source`: the migrations directory, relative to where the shell starts
  # (the project's root), exported as DBPREP_SOURCE so that dbprep's
  # commands find it from any directory of the shell.
  sourceExport = if source == null then "" else ''
    export DBPREP_SOURCE="$PWD/"${builtins.toJSON source}
  '';
  hook = { var, db }:
    let
      engine = databaseArg.engineOf db;
      main = var == "DATABASE_URL";
      # The directory of a server's data: pgdata, mysqldata.
      data = { postgresql = "pgdata"; mysql = "mysqldata"; }.${engine} or null;
      to =
        if dest != null then dest
        else if data != null then (if main then ".dbprep/${data}" else ".dbprep/${data}-${var}")
        else (if main then ".dbprep/db.sqlite3" else ".dbprep/${var}.sqlite3");
      # How the database was prepared, to bring a copy up to it.
      upgrade = "${dbprep}/bin/dbprep ${db.src} ${db.sqlxConfigFile or "/dev/null"} ${db.sqlxCompat or "0.9"}";
      server = e: sh: bin: ''
        source ${./dev-shell-server.sh} ${e} ${sh} ${./dev-shell-upgrade.sh} ${./bin} ${db} ${bin}/bin ${db.databaseName} ${to} ${upgrade} ${var}
      '';
    in
    if engine == "postgresql" then server "pg" ./postgres.sh db.postgresql
    else if engine == "mysql" then server "my" ./mysql.sh db.mysql
    else ''
      source ${./dev-shell-hook.sh} ${./dev-shell-upgrade.sh} ${db}/db.sqlite3 ${to} ${upgrade} ${var}
    '';
in
if several && (dest != null || source != null) then
  throw "dbprep.devShellHook: `dest` and `source` are for one database; with `databases`, each is kept under .dbprep/ by its variable"
else sourceExport + builtins.concatStringsSep "" (map hook dbs)
