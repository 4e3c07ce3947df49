# The stand-in's generic builder: nixpkgs' phase order and hooks, host tools.
set -eo pipefail
export PATH="$hostPath"
for p in $nativeBuildInputs $buildInputs; do
  if [ -d "$p/bin" ]; then PATH="$p/bin:$PATH"; fi
done
# With the sandbox off, Go would otherwise create /homeless-shelter.
export HOME="$TMPDIR" XDG_CONFIG_HOME="$TMPDIR"
NIX_BUILD_CORES=${NIX_BUILD_CORES:-1}

# runHook NAME: the variable NAME, then each entry of the array NAMEs
# (fooHook -> fooHooks), as nixpkgs' stdenv does.
runHook() {
  local hook="$1" slice="${1%Hook}Hooks[@]" h
  eval "${!hook:-}"
  for h in ${!slice+"${!slice}"}; do eval "$h"; done
}

# As nixpkgs' stdenv: when the builder exits, successfully or not, run
# exitHook(s) or failureHook(s).
exitHooks=() failureHooks=()
exitHandler() {
  local code=$?
  set +e
  if [ "$code" != 0 ]; then runHook failureHook; else runHook exitHook; fi
  return "$code"
}
trap exitHandler EXIT

goDirs() {
  if [ -n "${subPackages:-}" ]; then
    for p in $subPackages; do echo "./$p"; done
  else
    echo ./...
  fi
}

unpackPhase() {
  cp -r --no-preserve=mode "$src" source
  cd source
  if [ -n "${sourceRoot:-}" ]; then cd "$sourceRoot"; fi
}
patchPhase() {
  runHook prePatch
  for p in ${patches:-}; do patch ${patchFlags:--p1} < "$p"; done
  runHook postPatch
}
configurePhase() { runHook preConfigure; runHook postConfigure; }
buildPhase() { runHook preBuild; runHook postBuild; }
checkPhase() { runHook preCheck; runHook postCheck; }
installPhase() { runHook preInstall; mkdir -p "$out"; runHook postInstall; }

if [ -n "${buildCommand:-}" ]; then
  eval "$buildCommand"
  exit 0
fi

phases=${phases:-"${prePhases:-} unpackPhase patchPhase ${preConfigurePhases:-} configurePhase ${preBuildPhases:-} buildPhase checkPhase ${preInstallPhases:-} installPhase"}
for curPhase in $phases; do
  if [ "$curPhase" = checkPhase ] && [ -z "${doCheck:-}" ]; then continue; fi
  echo "running $curPhase"
  # A phase is the variable of its name when set, else the function.
  if [ -n "${!curPhase:-}" ]; then eval "${!curPhase}"; else "$curPhase"; fi
done
