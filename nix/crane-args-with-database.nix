# craneArgsWithDatabase { migrations } or { database } -> args -> args
#
# Wraps the arguments of crane's buildPackage (never buildDepsOnly's):
# adds the dbprepLinkDatabase phase so DATABASE_URL is set for the final
# build and its tests, leaving cargoArtifacts and the dependency build alone.
{ prepareDatabase, linkDatabase }:
{ migrations ? null, database ? null }:
let
  db = if database != null then database else prepareDatabase { inherit migrations; };
in
args: linkDatabase db args
