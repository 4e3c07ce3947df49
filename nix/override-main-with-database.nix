# overrideMainWithDatabase { migrations | database, name ? } -> (old: new attrs)
#
# For naersk's `overrideMain`, which applies to the final crate only: adds
# the dbprepLinkDatabase phase (copy + DATABASE_URL) before the build, so
# sqlx's query! macros see the schema while the dependencies derivation
# stays untouched. A database prepared here is named `name` (default
# "prepared-database").
{ databaseArg, linkDatabase }:
args:
let db = databaseArg "overrideMainWithDatabase" args; in
old: linkDatabase db old
