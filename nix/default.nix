# The dbprep Nix library for a package set: `import ./nix { inherit pkgs; }`.
# One public function per file; this file only wires them. See API.md.
#
# Uses of nixpkgs, kept small on purpose: pkgs.callPackage, pkgs.runCommand,
# pkgs.buildGoModule, pkgs.mkShell, pkgs.go, pkgs.lib.makeOverridable.
{ pkgs, dbprep ? pkgs.callPackage ./package.nix { } }:
let
  prepareDatabase = pkgs.callPackage ./prepare-database.nix { inherit dbprep; };
  linkDatabase = import ./link-database.nix;
in
{
  inherit dbprep prepareDatabase;
  buildGoModule = pkgs.callPackage ./build-go-module.nix { inherit prepareDatabase linkDatabase; };
  overrideMainWithDatabase = import ./override-main-with-database.nix { inherit prepareDatabase linkDatabase; };
  craneArgsWithDatabase = import ./crane-args-with-database.nix { inherit prepareDatabase linkDatabase; };
  devShellHook = import ./dev-shell-hook.nix { inherit prepareDatabase; };
}
