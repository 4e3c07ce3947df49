# overrideMainWithDatabase { migrations | database | databases, name ? } -> (old: new attrs)
#
# For naersk's `overrideMain`, which applies to the final crate only: adds
# the dbprepLinkDatabase phase (copy + DATABASE_URL) before the build, so
# sqlx's query! macros see the schema while the dependencies derivation
# stays untouched. A database prepared here is named `name`, by default
# "<crate>-database" after the final derivation's pname (or its name
# without the version, as naersk sets only `name`).
{ databaseArg, linkDatabase }:
args:
old:
let
  crate = old.pname or (if old ? name then (builtins.parseDrvName old.name).name else null);
  dbs = databaseArg.many "overrideMainWithDatabase" (args.name or (if crate == null then null else "${crate}-database")) args;
in
linkDatabase dbs old
