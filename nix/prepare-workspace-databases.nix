# prepareWorkspaceDatabases { src, members ? null, settings ? { } }
#   -> { databases = { VAR = drv; … }; members = { NAME = drv; … }; }
#
# One prepared database per member of a workspace, as `dbprep --workspace`
# finds them, read at evaluation time: the root package, the root
# Cargo.toml's [workspace] members (a trailing /* expands to the
# directories below) and the root package's path dependencies (sqlx's
# multi-database example keeps its crates there), less the root
# Cargo.toml's [workspace] exclude, or `members` (a list of directories
# relative to src) when given. Each member's sqlx.toml says
# its variable ([common] database-url-var, else DATABASE_URL) and its
# migrations directory ([migrate] migrations-dir, else migrations); a
# member without one is left out. `settings.NAME` adds prepareDatabase
# arguments for the member NAME (e.g. { engine = "postgresql"; }).
#
# Each database depends only on its member's migrations and sqlx.toml
# (prepareDatabase copies the files sqlx reads), so a new migration in one
# member rebuilds that database and the builds using it, not the others.
# `databases` is what the helpers take: buildGoModule { databases = …; },
# overrideMainWithDatabase { databases = …; }, devShellHook { databases =
# …; }. Two members with one variable are an error naming both.
{ prepareDatabase }:
{ src, members ? null, settings ? { } }:
let
  readToml = path: if builtins.pathExists path then builtins.fromTOML (builtins.readFile path) else { };
  rootCargo = readToml (src + "/Cargo.toml");
  # builtins.readFileType is newer than Nix 2.8: the parent's listing says.
  isDir = path: builtins.pathExists path
    && builtins.elem ((builtins.readDir (dirOf path)).${baseNameOf path} or null) [ "directory" "symlink" ];
  # "crates/*" is every directory of crates/ with a Cargo.toml; anything
  # else names one directory.
  expand = pattern:
    let m = builtins.match "(.*)/\\*" pattern; in
    if m == null then [ pattern ]
    else
      let
        parent = builtins.head m;
        entries = if isDir (src + "/${parent}") then builtins.readDir (src + "/${parent}") else { };
      in
      map (n: "${parent}/${n}") (builtins.filter (n: entries.${n} == "directory" && builtins.pathExists (src + "/${parent}/${n}/Cargo.toml")) (builtins.attrNames entries));
  pathDeps = builtins.filter (d: d != null) (map (d: if builtins.isAttrs d then d.path or null else null)
    (builtins.attrValues (rootCargo.dependencies or { })));
  # [workspace] exclude leaves a directory out, as cargo and
  # `dbprep --workspace` do (a path dependency too: cargo keeps it as a
  # dependency, but it is no workspace member).
  clean = d: let m = builtins.match "(\\./)?(.*[^/])/*" d; in if m == null then d else builtins.elemAt m 1;
  excluded = map clean (rootCargo.workspace.exclude or [ ]);
  found = builtins.filter (d: !builtins.elem (clean d) excluded) (
    (if rootCargo ? package then [ "." ] else [ ])
    ++ builtins.concatMap expand (rootCargo.workspace.members or [ ])
    ++ pathDeps);
  dirs = if members != null then members else found;
  unique = builtins.foldl' (acc: d: if builtins.elem d acc then acc else acc ++ [ d ]) [ ] dirs;
  at = dir: if dir == "." then src else src + "/${dir}";
  member = dir:
    let
      sqlxTomlPath = at dir + "/sqlx.toml";
      sqlx = readToml sqlxTomlPath;
      cargo = readToml (at dir + "/Cargo.toml");
      name = cargo.package.name or (if dir == "." then "root" else baseNameOf dir);
      var = sqlx.common.database-url-var or "DATABASE_URL";
      migrations = at dir + "/${sqlx.migrate.migrations-dir or "migrations"}";
    in
    if !isDir migrations then null
    else {
      inherit name var;
      db = prepareDatabase ({
        inherit migrations;
        name = "${name}-database";
      } // (if builtins.pathExists sqlxTomlPath then { sqlxConfig = sqlxTomlPath; } else { })
        // (settings.${name} or { }));
    };
  all = builtins.filter (m: m != null) (map member unique);
  byVar = builtins.foldl'
    (acc: m:
      if acc ? ${m.var} then throw "dbprep.prepareWorkspaceDatabases: members ${acc.${m.var}.name} and ${m.name} both use ${m.var}: give one a [common] database-url-var of its own in its sqlx.toml"
      else acc // { ${m.var} = m; })
    { }
    all;
in
if all == [ ] then throw "dbprep.prepareWorkspaceDatabases: no member of ${toString src} has a migrations directory (members: ${builtins.concatStringsSep ", " unique})"
else {
  databases = builtins.mapAttrs (_: m: m.db) byVar;
  members = builtins.listToAttrs (map (m: { name = m.name; value = m.db; }) all);
}
