# Internal: the attributes that add the dbprepLinkDatabase phase to a
# derivation's arguments. The phase is listed in preBuildPhases, never in
# preBuild, env or anything else a dependency derivation copies.
database: args: args // {
  preBuildPhases = (args.preBuildPhases or [ ]) ++ [ "dbprepLinkDatabasePhase" ];
  dbprepLinkDatabasePhase = "source ${./link-database.sh} ${database}/db.sqlite3";
  passthru = (args.passthru or { }) // { inherit database; };
}
