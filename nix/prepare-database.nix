# prepareDatabase { migrations, name ? "prepared-database", sourceDateEpoch ? 0, sqlxConfig ? null, sqlxCompat ? "0.8" }
#
# A derivation holding $out/db.sqlite3: every migration applied by
# `dbprep prepare`. Its only source is the top-level *.sql files of
# `migrations` (copied alone into the store), and sqlxConfig when given, so
# it rebuilds when a migration changes and never when the rest of the
# project does. Pass the crate's sqlx.toml as sqlxConfig when it sets
# table-name or ignored-chars, or the ledger will not match the crate's.
{ runCommand, dbprep }:
{ migrations
, name ? "prepared-database"
, sourceDateEpoch ? 0
, sqlxConfig ? null
, sqlxCompat ? "0.8"
}:
let
  # What sqlx reads: top-level files ending in .sql, symlinks followed.
  onlyMigrations = path: type:
    type != "directory" && builtins.match ".*\\.sql" (baseNameOf path) != null;
  src = builtins.path { path = migrations; name = "migrations"; filter = onlyMigrations; };
  config = if sqlxConfig == null then "/dev/null" else builtins.path { path = sqlxConfig; name = "sqlx.toml"; };
  self = runCommand name
    {
      nativeBuildInputs = [ dbprep ];
      SOURCE_DATE_EPOCH = toString sourceDateEpoch;
      passthru = {
        inherit src;
        # Read-only, as the store is; copy the file to write to it.
        databaseUrl = "sqlite://${self}/db.sqlite3?mode=ro&immutable=true";
      };
    } ''
    mkdir -p "$out"
    dbprep --no-dotenv --config ${config} --sqlx-compat ${sqlxCompat} prepare --source ${src} --out "$out/db.sqlite3"
  '';
in
self
