# Internal: the attributes that add the dbprepLinkDatabase phase to a
# derivation's arguments, for a list of { var, db } (database-arg.nix's
# `many`): each database is linked by its engine and exported under its
# variable. The phase is listed in preBuildPhases, never in preBuild, env,
# nativeBuildInputs or anything else a dependency derivation copies;
# PostgreSQL and MySQL are reached by absolute paths for the same reason.
# Each PostgreSQL or MySQL database gets a server of its own (roles and
# accounts are a server's: two dumps may hold the same one), on a unix
# socket of its own, all stopped when the build ends.
# passthru.databases is the attribute set by variable; passthru.database
# the one under DATABASE_URL, when there is one.
{ databaseArg }:
dbs: args:
let
  link = { var, db }:
    let engine = databaseArg.engineOf db; in
    if engine == "postgresql"
    then "source ${./link-server.sh} pg ${./postgres.sh} ${db} ${db.postgresql}/bin ${db.databaseName} ${var}"
    else if engine == "mysql"
    then "source ${./link-server.sh} my ${./mysql.sh} ${db} ${db.mysql}/bin ${db.databaseName} ${var}"
    else "source ${./link-database.sh} ${db}/db.sqlite3 ${var}";
  byVar = builtins.listToAttrs (map (d: { name = d.var; value = d.db; }) dbs);
in
args // {
  preBuildPhases = (args.preBuildPhases or [ ]) ++ [ "dbprepLinkDatabasePhase" ];
  dbprepLinkDatabasePhase = builtins.concatStringsSep "\n" (map link dbs);
  passthru = (args.passthru or { }) // { databases = byVar; }
    // (if byVar ? DATABASE_URL then { database = byVar.DATABASE_URL; } else { });
}
