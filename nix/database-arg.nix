# Internal: the database a helper was asked for, from exactly one of
# `migrations` (prepared here) or `database` (a prepareDatabase result),
# with an error that says what to pass otherwise. `who` names the helper in
# errors; `name` (optional) names a database prepared here.
{ prepareDatabase }:
who: { migrations ? null, database ? null, name ? null }:
if migrations != null && database != null then
  throw "dbprep.${who}: pass `migrations` or `database`, not both (`database` is a prepareDatabase result made from migrations already)"
else if database != null then database
else if migrations != null then
  prepareDatabase ({ inherit migrations; } // (if name == null then { } else { inherit name; }))
else
  throw "dbprep.${who}: pass `migrations` (the directory of *.sql files, e.g. ./migrations) or `database` (from dbprep.prepareDatabase)"
