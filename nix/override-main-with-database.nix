# overrideMainWithDatabase { migrations } or { database } -> (old: new attrs)
#
# For naersk's `overrideMain`, which applies to the final crate only: adds
# the dbprepLinkDatabase phase (copy + DATABASE_URL) before the build, so
# sqlx's query! macros see the schema while the dependencies derivation
# stays untouched.
{ prepareDatabase, linkDatabase }:
{ migrations ? null, database ? null }:
let
  db = if database != null then database else prepareDatabase { inherit migrations; };
in
old: linkDatabase db old
