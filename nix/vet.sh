# Sourced by the dbprepVet build phase (buildGoModule's `vet = true`): after
# the database phase and before the build, check the SQL in the Go code
# against DATABASE_URL with `dbprep vet`, over the packages the build builds
# (subPackages, else ./...) with its build tags. A bad query fails the
# build with its file and line, as sqlx::query! fails a Rust build.
# dbprepVetFlags (a list) are more flags for dbprep vet, e.g.
# [ "--null=strict" ] or [ "--null=off" ].
# subPackages, tags and dbprepVetFlags are lists: strings of words without
# structured attributes, bash arrays with them (__structuredAttrs = true);
# ${x[*]} reads both.
# ENGINE=VAR arguments give the database for the files of ENGINE (sqlite or
# postgres) in the variable VAR: dbprep vet --engine-url ENGINE=$VAR.
# Usage: source vet.sh DBPREP_BINARY [ENGINE=VAR ...]
dbprep_vet() {
  local dbprep="$1" pkgs=() p engineArgs=() pair var
  shift
  for pair in "$@"; do
    var="${pair#*=}"
    engineArgs+=(--engine-url "${pair%%=*}=${!var}")
    echo "dbprep: vet: files of ${pair%%=*} against \$$var"
  done
  for p in ${subPackages[*]:-}; do pkgs+=("./$p"); done
  [ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
  local tagList="${tags[*]:-}" flags="${dbprepVetFlags[*]:-}"
  tagList="${tagList// /,}"
  echo "dbprep: vet ${flags:+$flags }${pkgs[*]}${tagList:+ (tags $tagList)}"
  # shellcheck disable=SC2086 # flags are words
  "$dbprep" vet --no-dotenv -D "$DATABASE_URL" ${tagList:+--tags "$tagList"} "${engineArgs[@]}" $flags "${pkgs[@]}"
}
dbprep_vet "$@"
