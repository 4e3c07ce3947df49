# The Go module's source without docs, Nix files or CI scripts, so that
# editing them rebuilds nothing. Everything `go mod vendor` and the builds
# read is kept: go.mod, go.sum, *.go, the example's migrations, testdata.
let
  keep = path: type:
    let name = baseNameOf path; in
    if type == "directory" then !(builtins.elem name [ ".git" ".ci" "nix" ".dbprep" "result" "template" ])
    else builtins.elem name [ "go.mod" "go.sum" ]
      || builtins.match ".*\\.(go|sql)" name != null
      || builtins.match ".*/testdata/.*" (toString path) != null;
in
builtins.path { path = ../.; name = "dbprep-source"; filter = keep; }
