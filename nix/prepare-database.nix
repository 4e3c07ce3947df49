# prepareDatabase { migrations, name ? "prepared-database", engine ? "sqlite", sourceDateEpoch ? 0, sqlxConfig ? null,
#                   sqlxCompat ? "0.9", check ? true, lint ? false, postgresql ? pkgs.postgresql,
#                   mysql ? pkgs.mariadb, databaseName ? "app" }
#
# A derivation holding, for engine "sqlite", $out/db.sqlite3: every
# migration applied by `dbprep prepare`; for engine "postgresql",
# $out/dump.sql: a logical dump of the database databaseName with every
# migration applied by dbprep and the cluster's roles, the ledger as sqlx
# writes it but with installed_on pinned to sourceDateEpoch and
# execution_time 0, which the helpers and dev shells load into a new server
# (postgres.sh: dbprep_pg_load); for engine "mysql" (or "mariadb"), the same
# from a MySQL or MariaDB server (`mysql`, nixpkgs' mariadb by default):
# $out/dump.sql, mariadb-dump's of databaseName and the accounts the
# migrations created, without passwords (mysql.sh: dbprep_my_dump). All are
# bit-for-bit reproducible. Either way
# $out/schema.sql (passthru.schema) is `dbprep schema` of it, for a flake to
# keep in the repository and CI to diff. With lint, `dbprep migrate lint`
# runs first and its errors fail the build. Its only inputs are the files sqlx reads from
# `migrations` — top-level files named VERSION_DESCRIPTION…​.sql, symlinks
# followed — and sqlxConfig when given, so it rebuilds when a migration
# changes and never when the rest of the project does (nor when a file sqlx
# skips, such as seed.sql, does). Pass the crate's sqlx.toml as sqlxConfig
# when it sets table-name or ignored-chars, or the ledger will not match the
# crate's. With check (the default), SQLite is prepared twice and the build
# fails, naming what differs, unless both are the same bytes; a PostgreSQL
# or MySQL dump is loaded into a new server as the helpers load it and dumped again,
# and must come back the same bytes. `migrations`
# made by a derivation needs import-from-derivation (it is read while
# evaluating).
{ runCommand, dbprep, postgresqlDefault ? null, mysqlDefault ? null }:
{ migrations
, name ? "prepared-database"
, engine ? "sqlite"
, sourceDateEpoch ? 0
, sqlxConfig ? null
, sqlxCompat ? "0.9"
, check ? true
, lint ? false
, postgresql ? postgresqlDefault
, mysql ? mysqlDefault
, databaseName ? "app"
}:
assert builtins.elem engine [ "sqlite" "postgresql" "postgres" "mysql" "mariadb" ]
  || throw "dbprep.prepareDatabase: engine ${engine}: use \"sqlite\", \"postgresql\" (\"postgres\", dbprep's own name for it, is taken too) or \"mysql\" (\"mariadb\" too)";
let
  # One engine, two spellings: Nix says "postgresql" (nixpkgs' package),
  # dbprep's Go code and URLs "postgres"; passthru.engine is "postgresql".
  # MySQL and MariaDB are one engine to dbprep (as to sqlx): "mysql".
  engine' = if engine == "postgres" then "postgresql" else if engine == "mariadb" then "mysql" else engine;
  # What sqlx reads: top-level entries whose name ends in .sql and holds a
  # '_' (the rest is skipped silently by sqlx, so editing it must not
  # rebuild anything). Symlinks are read through: the store gets the
  # content, never a link that would dangle there.
  entries = builtins.readDir migrations;
  sqlxReads = n: builtins.match "[^_]*_.*\\.sql" n != null && entries.${n} != "directory";
  files = builtins.filter sqlxReads (builtins.attrNames entries);
  links = builtins.filter (n: entries.${n} == "symlink") files;
  # The regular files reach the store in one copy (no derivation, no step
  # per file: a shell entered after one new migration among a thousand
  # waits for nothing but the database).
  top = toString migrations;
  regular = builtins.path {
    path = migrations;
    name = "${name}-migrations";
    filter = path: type: type == "regular" && dirOf path == top && sqlxReads (baseNameOf path);
  };
  # Symlinks, rare, are read through one by one: builtins.path would store
  # the link itself.
  quote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  copy = n: "cp ${builtins.toFile "migration.sql" (builtins.readFile (migrations + "/${n}"))} \"$out\"/${quote n}";
  src = if links == [ ] then regular else runCommand "${name}-migrations" { } ''
    mkdir -p "$out"
    cp ${regular}/* "$out"/ 2>/dev/null || true
    ${builtins.concatStringsSep "\n" (map copy links)}
  '';
  config = if sqlxConfig == null then "/dev/null" else builtins.path { path = sqlxConfig; name = "sqlx.toml"; };
  lintFirst = if lint then "dbprep --no-dotenv --config ${config} migrate lint --source ${src}" else "";
  # The ledger table sqlx.toml names (sqlx's default otherwise), whose clock
  # columns the PostgreSQL build pins.
  table =
    if sqlxConfig == null then "_sqlx_migrations"
    else ((builtins.fromTOML (builtins.readFile sqlxConfig)).migrate or { }).table-name or "_sqlx_migrations";
  # A server engine's build (prepare-postgres.sh, prepare-mysql.sh): its
  # output is a dump, and passthru names the package (passthru.postgresql,
  # passthru.mysql) the helpers load it with.
  dumped = { script, functions, packageArg, package, example }:
    let
      bin =
        if package == null then throw "dbprep.prepareDatabase: engine \"${engine'}\" needs `${packageArg}` (a package, e.g. ${example})"
        else "${package}/bin";
      self = runCommand name
        {
          nativeBuildInputs = [ dbprep ];
          SOURCE_DATE_EPOCH = toString sourceDateEpoch;
          passthru = {
            inherit src databaseName sqlxCompat;
            ${packageArg} = package;
            engine = engine';
            sqlxConfigFile = config;
            dump = "${self}/dump.sql";
            schema = "${self}/schema.sql";
          };
        } ''
        ${lintFirst}
        bash ${script} ${functions} ${bin} ${databaseName} ${src} ${config} ${sqlxCompat} ${table} ${if check then "1" else "0"}
      '';
    in
    self;
  postgres = dumped { script = ./prepare-postgres.sh; functions = ./postgres.sh; packageArg = "postgresql"; package = postgresql; example = "pkgs.postgresql_17"; };
  mysqlDrv = dumped { script = ./prepare-mysql.sh; functions = ./mysql.sh; packageArg = "mysql"; package = mysql; example = "pkgs.mariadb or pkgs.mysql84"; };
  sqlite = runCommand name
    {
      nativeBuildInputs = [ dbprep ];
      SOURCE_DATE_EPOCH = toString sourceDateEpoch;
      passthru = {
        inherit src engine sqlxCompat;
        # How it was prepared (the dev shell applies new migrations the same way).
        sqlxConfigFile = config;
        # Read-only, as the store is; copy the file to write to it.
        databaseUrl = "sqlite://${self}/db.sqlite3?mode=ro&immutable=true";
        schema = "${self}/schema.sql";
      };
    } ''
    ${lintFirst}
    mkdir -p "$out"
    dbprep --no-dotenv --config ${config} --sqlx-compat ${sqlxCompat} prepare --source ${src} --out "$out/db.sqlite3" ${if check then "--check" else ""}
    dbprep --no-dotenv --config ${config} schema -D "sqlite://$out/db.sqlite3?mode=ro" --out "$out/schema.sql"
  '';
  self = if engine' == "postgresql" then postgres else if engine' == "mysql" then mysqlDrv else sqlite;
in
self
