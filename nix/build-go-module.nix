# buildGoModule (nixpkgs' interface) + { migrations } or { database }
#
# Links the prepared database in a phase of its own, before the build, and
# exports DATABASE_URL for the build and the check phase. goModules stays the
# one a plain buildGoModule call gives: nixpkgs copies preBuild, env,
# nativeBuildInputs, postPatch and patches into it, and none carries the
# database. The result is overridable (overrideAttrs, override).
{ lib, buildGoModule, prepareDatabase, linkDatabase }:
lib.makeOverridable (
  { migrations ? null, database ? null, ... }@args:
  let
    db =
      if database != null then database
      else if migrations != null then prepareDatabase { inherit migrations; }
      else throw "dbprep.buildGoModule: pass `migrations` (a directory) or `database` (from prepareDatabase)";
  in
  buildGoModule (linkDatabase db (removeAttrs args [ "migrations" "database" ]))
)
