# The stand-in's generic builder: nixpkgs' phase order and hooks, host tools.
set -eo pipefail
# Structured attributes (__structuredAttrs = true), as nixpkgs' stdenv reads
# them: no attribute is in the environment; .attrs.sh declares each one (a
# list as an array, an attribute set as an associative array), the outputs
# come from `outputs`, and only the attribute set `env` is exported.
if [ -n "${NIX_ATTRS_SH_FILE:-}" ] && [ -f "$NIX_ATTRS_SH_FILE" ]; then
  source "$NIX_ATTRS_SH_FILE"
elif [ -f "${NIX_BUILD_TOP:-.}/.attrs.sh" ]; then
  source "${NIX_BUILD_TOP:-.}/.attrs.sh"
fi
# (Bash alone here: PATH is not set yet.)
if [[ "$(declare -p outputs 2>/dev/null)" == "declare -A"* ]]; then
  for o in "${!outputs[@]}"; do export "$o=${outputs[$o]}"; done
  if [[ "$(declare -p env 2>/dev/null)" == "declare -A"* ]]; then
    for v in "${!env[@]}"; do export "$v=${env[$v]}"; done
  fi
fi
# A list is a string of words without structured attributes and an array
# with them: every use below reads it as ${name[*]}, which is both.
export PATH="$hostPath"
for p in ${nativeBuildInputs[*]:-} ${buildInputs[*]:-}; do
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
  if [ -n "${subPackages[*]:-}" ]; then
    for p in ${subPackages[*]}; do echo "./$p"; done
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
  for p in ${patches[*]:-}; do patch ${patchFlags[*]:--p1} < "$p"; done
  runHook postPatch
}
configurePhase() { runHook preConfigure; runHook postConfigure; }
buildPhase() { runHook preBuild; runHook postBuild; }
checkPhase() { runHook preCheck; runHook postCheck; }
installPhase() { runHook preInstall; mkdir -p "$out"; runHook postInstall; }

genericBuild() {
  if [ -n "${buildCommand:-}" ]; then
    eval "$buildCommand"
    return
  fi
  local phases="${phases[*]:-${prePhases[*]:-} unpackPhase patchPhase ${preConfigurePhases[*]:-} configurePhase ${preBuildPhases[*]:-} buildPhase checkPhase ${preInstallPhases[*]:-} installPhase}"
  for curPhase in $phases; do
    if [ "$curPhase" = checkPhase ] && [ -z "${doCheck:-}" ]; then continue; fi
    echo "running $curPhase"
    # A phase is the variable of its name when set, else the function.
    if [ -n "${!curPhase:-}" ]; then eval "${!curPhase}"; else "$curPhase"; fi
  done
}

# Run as the builder, this builds. Sourced as $stdenv/setup (by `nix
# develop`'s get-env.sh, as nixpkgs' stdenv/setup is), it only sets up:
# PATH from the inputs, the phases and hooks.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  genericBuild
fi
