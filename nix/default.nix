# The dbprep Nix library for a package set: `import ./nix { inherit pkgs; }`.
# One public function per file; this file only wires them. See API.md.
#
# `dbprep` is the package the library runs; by default `pkgs.dbprep` when
# an overlay provides it (so a later overlay that patches it is used), else
# built from this repository. Databases are prepared by the build
# platform's dbprep (`pkgs.buildPackages`), so cross builds work.
#
# Uses of nixpkgs, kept small on purpose (nix/API.md lists them):
# pkgs.callPackage, pkgs.buildPackages (callPackage, dbprep, postgresql, mariadb),
# pkgs.dbprep, pkgs.runCommand, pkgs.buildGoModule (and .override),
# pkgs.lib.makeOverridable.
{ pkgs, dbprep ? null }:
let
  hostDbprep = if dbprep != null then dbprep else pkgs.dbprep or (pkgs.callPackage ./package.nix { });
  buildDbprep =
    if dbprep != null then dbprep
    else pkgs.buildPackages.dbprep or (pkgs.buildPackages.callPackage ./package.nix { });
  prepareDatabase = pkgs.callPackage ./prepare-database.nix {
    dbprep = buildDbprep;
    # The server runs in builds: the build platform's.
    postgresqlDefault = pkgs.buildPackages.postgresql or null;
    mysqlDefault = pkgs.buildPackages.mariadb or null;
  };
  databaseArg = import ./database-arg.nix { inherit prepareDatabase; };
  prepareWorkspaceDatabases = import ./prepare-workspace-databases.nix { inherit prepareDatabase; };
  linkDatabase = import ./link-database.nix { inherit databaseArg; };
in
{
  dbprep = hostDbprep;
  inherit prepareDatabase prepareWorkspaceDatabases;
  # go = null: nixpkgs' buildGoModule keeps its own Go until a caller says
  # `.override { go = …; }`.
  buildGoModule = pkgs.callPackage ./build-go-module.nix { inherit databaseArg linkDatabase; dbprep = buildDbprep; go = null; };
  overrideMainWithDatabase = import ./override-main-with-database.nix { inherit databaseArg linkDatabase; };
  craneArgsWithDatabase = import ./crane-args-with-database.nix { inherit databaseArg linkDatabase; };
  devShellHook = import ./dev-shell-hook.nix { inherit databaseArg; dbprep = hostDbprep; };
  lintCheck = pkgs.callPackage ./lint-check.nix { dbprep = buildDbprep; };
}
