# crane's lib (github:ipetkov/crane) as far as dbprep's helpers meet it:
# crateNameFromCargoToml, vendorCargoDeps, buildDepsOnly and buildPackage.
# Like crane's lib/buildPackage.nix, buildPackage without `cargoArtifacts`
# builds the dependencies as
#   buildDepsOnly (args // memoizedArgs // { installPhase = "prepareAndInstallCargoArtifactsDir"; })
# with memoizedArgs = { pname; version; cargoVendorDir; }, so a caller's
# install hooks (postInstall, …) never run on the dependency build, while
# every other argument reaches it. Like crane's mkCargoDerivation, each
# derivation runs the caller's phases and hooks with the stand-in stdenv;
# cargo itself is not run (the Rust tests pass a builder of their own).
{ mkDerivation, runCommand }:
rec {
  crateNameFromCargoToml = args:
    let
      toml = if args ? src && builtins.pathExists "${args.src}/Cargo.toml"
        then builtins.fromTOML (builtins.readFile "${args.src}/Cargo.toml") else { };
    in
    {
      pname = args.pname or toml.package.name or "cargo-package";
      version = args.version or toml.package.version or "0.0.1";
    };

  vendorCargoDeps = args: runCommand "vendor-cargo-deps" { src = args.src or "/var/empty"; } "mkdir $out";

  # crane's buildDepsOnly: named "<pname>-deps"; crane's default install
  # phase runs the caller's hooks around installing the artifacts, and
  # "prepareAndInstallCargoArtifactsDir" only installs them.
  buildDepsOnly = args:
    let name = crateNameFromCargoToml args; in
    mkDerivation (removeAttrs args [ "passthru" "cargoArtifacts" ] // {
      pname = "${name.pname}-deps";
      inherit (name) version;
      buildPhase = "runHook preBuild; echo 'building the dependencies'; runHook postBuild";
      installPhase =
        if (args.installPhase or null) == "prepareAndInstallCargoArtifactsDir"
        then "mkdir -p $out/target"
        else args.installPhase or "runHook preInstall; mkdir -p $out/target; runHook postInstall";
    });

  buildPackage = args:
    let
      name = crateNameFromCargoToml args;
      memoizedArgs = {
        inherit (name) pname version;
        cargoVendorDir = args.cargoVendorDir or (vendorCargoDeps args);
      };
    in
    mkDerivation (args // memoizedArgs // {
      cargoArtifacts = args.cargoArtifacts or (buildDepsOnly (args // memoizedArgs // {
        installPhase = "prepareAndInstallCargoArtifactsDir";
      }));
    });
}
