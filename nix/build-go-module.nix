# buildGoModule (nixpkgs' interface) + { migrations } or { database } or
# { databases = { VAR = …; }; } (several, each under its own variable)
#
# Takes an attribute set or, as nixos-26.05's buildGoModule does, a function
# of the final attributes (finalAttrs: { … }). Links the prepared database
# in a phase of its own, before the build, and exports DATABASE_URL for the
# build and the check phase. goModules stays the one a plain buildGoModule
# call gives: nixpkgs copies preBuild, env, nativeBuildInputs, postPatch
# and patches into it, and none carries the database. A database prepared
# here is named "<pname>-database". The result is overridable
# (overrideAttrs, and override for the attribute-set form).
#
# `vet = true` adds a dbprepVet phase after the database's: `dbprep vet`
# checks every SQL query known at compile time against the database, over
# subPackages (else ./...) with the build's tags, and a bad query fails the
# build. It is a phase too, so goModules does not change with it. With
# `databases`, a file that declares another engine than DATABASE_URL's
# (//dbprep:engine postgres, or a build tag) is checked against the first
# database of that engine (--engine-url).
#
# `dbprep.buildGoModule.override { go = pkgs.go_1_26; }` picks the Go, as
# `pkgs.buildGoModule.override { go = …; }` does in nixpkgs: it is passed to
# nixpkgs' buildGoModule the same way (default.nix passes go = null, which
# leaves nixpkgs' choice alone, cross builds included).
{ lib, buildGoModule, databaseArg, linkDatabase, dbprep, go ? null }:
let
  goBuilder = if go == null then buildGoModule else buildGoModule.override { inherit go; };
  wrap = args:
    let
      dbs = databaseArg.many "buildGoModule" (if args ? pname then "${args.pname}-database" else null) args;
      linked = linkDatabase dbs (removeAttrs args [ "migrations" "database" "databases" "vet" ]);
      # Files that declare another engine than DATABASE_URL's
      # (//dbprep:engine postgres, a build tag) are checked against the
      # first database of that engine among `databases`.
      # dbprep vet's engine names.
      engineOf = db: { postgresql = "postgres"; mysql = "mysql"; sqlite = "sqlite"; }.${databaseArg.engineOf db};
      mainEngine = builtins.foldl' (acc: d: if d.var == "DATABASE_URL" then engineOf d.db else acc) null dbs;
      others = builtins.foldl'
        (acc: d: let e = engineOf d.db; in
          if d.var == "DATABASE_URL" || e == mainEngine || acc ? ${e} then acc else acc // { ${e} = d.var; })
        { }
        dbs;
      engineArgs = builtins.concatStringsSep " " (map (e: "${e}=${others.${e}}") (builtins.attrNames others));
    in
    if args.vet or false then linked // {
      preBuildPhases = linked.preBuildPhases ++ [ "dbprepVetPhase" ];
      dbprepVetPhase = "source ${./vet.sh} ${dbprep}/bin/dbprep ${engineArgs}";
    } else linked;
in
lib.makeOverridable (argsOrFun:
  if builtins.isFunction argsOrFun
  then goBuilder (finalAttrs: wrap (argsOrFun finalAttrs))
  else goBuilder (wrap argsOrFun))
