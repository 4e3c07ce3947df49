# Internal: the databases a helper was asked for.
#
# `one who { migrations, database, name }` is the database of exactly one
# of `migrations` (prepared here) or `database` (a prepareDatabase result),
# with an error that says what to pass otherwise; `name` (optional) names a
# database prepared here.
#
# `many who name args` is a list of { var, db } from a helper's arguments
# args (their `migrations`, `database` and `databases`; name names a
# database prepared here, or null): `databases`, an attribute set from environment variable to
# a migrations directory, a prepareDatabase result, or prepareDatabase's
# arguments (e.g. { migrations = ./accounts/migrations; engine =
# "postgresql"; }); else the one database of `migrations` or `database`,
# under DATABASE_URL. A database prepared here for a variable other than
# DATABASE_URL is named "<name>-<VAR>".
{ prepareDatabase }:
let
  one = who: { migrations ? null, database ? null, name ? null }:
    if migrations != null && database != null then
      throw "dbprep.${who}: pass `migrations` or `database`, not both (`database` is a prepareDatabase result made from migrations already)"
    else if database != null then database
    else if migrations != null then
      prepareDatabase ({ inherit migrations; } // (if name == null then { } else { inherit name; }))
    else
      throw "dbprep.${who}: pass `migrations` (the directory of *.sql files, e.g. ./migrations) or `database` (from dbprep.prepareDatabase)";

  example = "e.g. databases = { DATABASE_URL = ./migrations; ACCOUNTS_DATABASE_URL = ./accounts/migrations; }";

  entry = who: name: var: value:
    let
      named = if name == null then { } else { name = if var == "DATABASE_URL" then name else "${name}-${var}"; };
    in
    if builtins.match "[A-Za-z_][A-Za-z0-9_]*" var == null then
      throw "dbprep.${who}: databases.${var}: not an environment variable name (${example})"
    else if builtins.isAttrs value && (value.type or null) == "derivation" then value
    else if builtins.isPath value || builtins.isString value then prepareDatabase ({ migrations = value; } // named)
    else if builtins.isAttrs value && value ? migrations then prepareDatabase (named // value)
    else throw "dbprep.${who}: databases.${var}: give a migrations directory, a prepareDatabase result, or prepareDatabase's arguments (${example})";

  many = who: name: args:
    let
      migrations = args.migrations or null;
      database = args.database or null;
      databases = args.databases or null;
    in
    if databases == null then [{ var = "DATABASE_URL"; db = one who { inherit migrations database name; }; }]
    else if migrations != null || database != null then
      throw "dbprep.${who}: pass `databases`, or `migrations`/`database`, not both (put the main database in `databases` under DATABASE_URL)"
    else if !builtins.isAttrs databases || databases == { } then
      throw "dbprep.${who}: `databases` is an attribute set from variable to database, ${example}"
    else map (var: { inherit var; db = entry who name var databases.${var}; }) (builtins.attrNames databases);

  # engineOf db: a prepared database's engine: "sqlite", "postgresql" or "mysql".
  engineOf = db: db.engine or "sqlite";
in
{ inherit one many engineOf; }
