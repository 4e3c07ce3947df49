# lintCheck { migrations, base, sqlxConfig ? null, strict ? false, name ? "migrations-lint" } -> derivation
#
# A flake check: `dbprep migrate lint --base` of `migrations` against what
# is released, with no git in the build. `base` is the released migrations
# directory (e.g. "${released}/migrations" of a flake input pinned to the
# release tag, `flake = false`) or a released SQLite prepared database (a
# prepareDatabase result; its ledger is read). The build fails, printing the
# findings, on an error (on a warning too with strict); $out is the report.
# Its inputs are the two directories' files (and the prepared database):
# editing anything else never reruns it.
{ runCommand, dbprep }:
{ migrations
, base
, sqlxConfig ? null
, strict ? false
, name ? "migrations-lint"
}:
let
  # Lint reads the whole directory: files sqlx skips are what it warns of.
  dir = p: n: builtins.path { path = p; name = n; };
  config = if sqlxConfig == null then "/dev/null" else builtins.path { path = sqlxConfig; name = "sqlx.toml"; };
  isDatabase = builtins.isAttrs base && (base.type or null) == "derivation";
  baseArg =
    if !isDatabase then dir base "released-migrations"
    else if (base.engine or "sqlite") == "sqlite" then "sqlite://${base}/db.sqlite3?immutable=true"
    else throw "dbprep.lintCheck: base is a ${base.engine} database; give the released migrations directory instead (a PostgreSQL prepared database is a dump, with no server in the build to read it)";
in
runCommand name { nativeBuildInputs = [ dbprep ]; } ''
  rc=0
  dbprep --no-dotenv --config ${config} migrate lint --source ${dir migrations "migrations"} --base ${baseArg} ${if strict then "--strict" else ""} >report 2>&1 || rc=$?
  cat report
  [ "$rc" = 0 ] || exit "$rc"
  cp report "$out"
''
