# The flake's checks: each promise of API.md as a derivation that fails when
# the promise breaks, so `nix flake check` proves them (as crane's checks
# do). Evaluation-time promises (which derivation depends on what) throw a
# message naming the promise; the rest are builds.
{ pkgs, dbprep }:
let
  migrations = ../examples/mycrate/migrations;
  database = dbprep.prepareDatabase { inherit migrations; name = "mycrate-database"; };
  goArgs = {
    pname = "mycrate";
    version = "0.1.0";
    src = import ./source.nix { examples = true; };
    vendorHash = dbprep.dbprep.examplesVendorHash;
    subPackages = [ "examples/mycrate" ];
  };
  plain = pkgs.buildGoModule goArgs;
  wrapped = dbprep.buildGoModule (goArgs // { inherit database; });
  addPreBuild = d: d.overrideAttrs (old: { preBuild = (old.preBuild or "") + "\necho a user's preBuild"; });
  holds = name: ok: promise:
    if ok then pkgs.runCommand "dbprep-check-${name}" { } "touch $out"
    else throw "dbprep check ${name} failed: ${promise}";
in
{
  # The database depends only on the files sqlx reads: the same migrations
  # beside files sqlx skips give the same derivation. (Symlinked migrations
  # are read through into another derivation of the same bytes:
  # internal/nixtest's TestSymlinkedMigration.)
  database-only-migrations = holds "database-only-migrations"
    ((dbprep.prepareDatabase { migrations = ./tests/migrations-with-extras; name = "mycrate-database"; }).drvPath == database.drvPath)
    "prepareDatabase depends on files sqlx does not read";

  # goModules is a plain buildGoModule's, also after a user's overrideAttrs.
  go-modules-untouched = holds "go-modules-untouched"
    (plain.goModules.drvPath == wrapped.goModules.drvPath
      && (addPreBuild plain).goModules.drvPath == (addPreBuild wrapped).goModules.drvPath)
    "the buildGoModule wrapper changes goModules: every migration would re-vendor";

  # The same with a PostgreSQL database: the server is reached by absolute
  # paths, never through what goModules copies.
  go-modules-untouched-postgresql = holds "go-modules-untouched-postgresql"
    (plain.goModules.drvPath == (dbprep.buildGoModule (goArgs // {
      database = dbprep.prepareDatabase { inherit migrations; engine = "postgresql"; };
    })).goModules.drvPath)
    "a PostgreSQL database changes goModules";

  # And with a MySQL one.
  go-modules-untouched-mysql = holds "go-modules-untouched-mysql"
    (plain.goModules.drvPath == (dbprep.buildGoModule (goArgs // {
      database = dbprep.prepareDatabase { inherit migrations; engine = "mysql"; };
    })).goModules.drvPath)
    "a MySQL database changes goModules";

  # crane without cargoArtifacts: the dependency build the helper makes is
  # the one crane's buildPackage makes from the arguments alone (crane's
  # quick start), whatever the migrations. craneLib stands in for crane,
  # which is no input of this flake: buildPackage's implicit dependency
  # build is crane's lib/buildPackage.nix's.
  crane-deps-untouched =
    let
      craneLib = rec {
        crateNameFromCargoToml = args: { pname = args.pname or "app"; version = args.version or "0.1.0"; };
        vendorCargoDeps = args: pkgs.runCommand "vendor-cargo-deps" { } "mkdir $out";
        buildDepsOnly = args: pkgs.runCommand "deps" (removeAttrs args [ "passthru" ]) "mkdir $out";
        buildPackage = args:
          let
            memoizedArgs = {
              inherit (crateNameFromCargoToml args) pname version;
              cargoVendorDir = args.cargoVendorDir or (vendorCargoDeps args);
            };
          in
          { cargoArtifacts = args.cargoArtifacts or (buildDepsOnly (args // memoizedArgs // { installPhase = "prepareAndInstallCargoArtifactsDir"; })); };
      };
      common = { pname = "app"; src = migrations; postInstall = "installShellCompletion $out/bin/app"; };
      deps = m: (dbprep.craneArgsWithDatabase { migrations = m; inherit craneLib; } common).cargoArtifacts.drvPath;
    in
    holds "crane-deps-untouched"
      (deps migrations == (craneLib.buildPackage common).cargoArtifacts.drvPath && deps ./tests/migrations-other == deps migrations)
      "craneArgsWithDatabase's dependency build is not crane's own, or the database reaches it";

  # Helpers refuse two databases, and none, rather than pick one silently.
  helpers-refuse-ambiguity = holds "helpers-refuse-ambiguity"
    (!(builtins.tryEval (dbprep.devShellHook { inherit migrations database; })).success
      && !(builtins.tryEval (dbprep.devShellHook { })).success
      && !(builtins.tryEval ((dbprep.overrideMainWithDatabase { inherit migrations database; }) { }).dbprepLinkDatabasePhase).success)
    "a helper accepted both migrations and database, or neither";

  # The database is bit-identical when built again (a second, independent
  # derivation from the same migrations), on top of prepare --check inside
  # each build.
  database-reproducible = pkgs.runCommand "dbprep-check-database-reproducible" { } ''
    cmp ${database}/db.sqlite3 ${dbprep.prepareDatabase { inherit migrations; name = "mycrate-database-again"; }}/db.sqlite3
    touch $out
  '';

  # vet = true fails a build on a bad query: the vet phase itself, over a
  # fixture whose query names a column the migrations do not have, must
  # fail and name the file and line. (The Nix tests also build it.)
  vet-rejects-bad-query = pkgs.runCommand "dbprep-check-vet-rejects-bad-query" { nativeBuildInputs = [ pkgs.go ]; } ''
    export HOME=$TMPDIR XDG_CONFIG_HOME=$TMPDIR GOCACHE=$TMPDIR/go-cache GOPATH=$TMPDIR/go GOPROXY=off GOTOOLCHAIN=local
    cp -r ${./tests/vet-bad} src && chmod -R u+w src && cd src
    source ${./link-database.sh} ${database}/db.sqlite3
    if (source ${./vet.sh} ${dbprep.dbprep}/bin/dbprep) >log 2>&1; then
      cat log; echo "dbprep vet passed a query against a missing column"; exit 1
    fi
    cat log
    grep -q '^main.go:14:[0-9]*: no such column: favourite_colour' log
    touch $out
  '';
}
