# Internal: the attributes that add the dbprepLinkDatabase phase to a
# derivation's arguments, by the database's engine. The phase is listed in
# preBuildPhases, never in preBuild, env, nativeBuildInputs or anything else
# a dependency derivation copies; PostgreSQL is reached by absolute paths
# for the same reason.
database: args: args // {
  preBuildPhases = (args.preBuildPhases or [ ]) ++ [ "dbprepLinkDatabasePhase" ];
  dbprepLinkDatabasePhase =
    if (database.engine or "sqlite") == "postgresql"
    then "source ${./link-postgres.sh} ${./postgres.sh} ${database} ${database.postgresql}/bin ${database.databaseName}"
    else "source ${./link-database.sh} ${database}/db.sqlite3";
  passthru = (args.passthru or { }) // { inherit database; };
}
