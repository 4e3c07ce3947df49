# craneArgsWithDatabase { migrations | database | databases, name ?, craneLib ? } -> args -> args
#
# Wraps the arguments of crane's buildPackage (never buildDepsOnly's): adds
# the dbprepLinkDatabase phase so DATABASE_URL is set for the final build
# and its tests, leaving the dependency build alone. Without
# `cargoArtifacts`, crane's buildPackage would build the dependencies from
# these very arguments, database phase included, and rebuild every crate
# when a migration changes; so then pass `craneLib`, and the helper builds
# them exactly as crane's buildPackage does for the arguments without the
# database (lib/buildPackage.nix: buildDepsOnly of the arguments with
# pname, version, cargoVendorDir memoised and installPhase =
# "prepareAndInstallCargoArtifactsDir", so the caller's install hooks never
# run on the dummy source): the same derivation as crane's quick start. Or
# it refuses with an error saying so.
{ databaseArg, linkDatabase }:
{ craneLib ? null, ... }@opts:
let
  dbs = args: databaseArg.many "craneArgsWithDatabase" (opts.name or (if args ? pname then "${args.pname}-database" else null)) opts;
  # What crane's buildPackage passes to buildDepsOnly for args.
  depsArgs = args:
    let crateName = craneLib.crateNameFromCargoToml args; in
    args // {
      pname = args.pname or crateName.pname;
      version = args.version or crateName.version;
      cargoVendorDir = args.cargoVendorDir or (craneLib.vendorCargoDeps args);
      installPhase = "prepareAndInstallCargoArtifactsDir";
    };
in
args:
let
  artifacts =
    if args ? cargoArtifacts then { }
    else if craneLib != null then { cargoArtifacts = craneLib.buildDepsOnly (depsArgs args); }
    else throw ("dbprep.craneArgsWithDatabase: these arguments have no `cargoArtifacts`, so crane would build the dependencies "
      + "from them, database phase included, and rebuild every crate whenever a migration changes. Set `cargoArtifacts = "
      + "craneLib.buildDepsOnly commonArgs;` or pass `craneLib` to craneArgsWithDatabase so it does that for you");
in
linkDatabase (dbs args) (args // artifacts)
