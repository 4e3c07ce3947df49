# The Go module's source, filtered so that editing what a build does not use
# rebuilds nothing: never docs, Nix files, CI scripts or the templates.
#   import ./source.nix { }                  dbprep itself: no tests, examples or benchmarks
#   import ./source.nix { examples = true; } also examples/ (the mycrate build and its tests)
# Test files are kept only under examples/, so that what tests elsewhere
# import (test drivers, analysistest) is never vendored.
{ examples ? false }:
let
  skipDirs = [ ".git" ".ci" "nix" ".dbprep" "result" "template" "template-postgres" "template-mysql" "docs" ]
    ++ (if examples then [ ] else [ "examples" "bench" "nixtest" "testdb" "testbin" "storetest" "reliability" ]);
  root = toString ../.;
  keep = path: type:
    let
      name = baseNameOf path;
      rel = builtins.substring (builtins.stringLength root + 1) (-1) (toString path);
    in
    if type == "directory" then !(builtins.elem name skipDirs)
    else builtins.elem name [ "go.mod" "go.sum" ]
      || (examples && builtins.match "examples/.*" rel != null || builtins.match ".*_test\\.go" name == null) && builtins.match ".*\\.go" name != null
      || examples && builtins.match ".*\\.sql" name != null;
in
builtins.path { path = ../.; name = if examples then "dbprep-source-with-examples" else "dbprep-source"; filter = keep; }
