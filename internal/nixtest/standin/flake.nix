# A stand-in for nixpkgs in dbprep's tests: nixpkgs cannot be fetched here.
# It implements, with the host's tools and the sandbox off, the few parts of
# nixpkgs that dbprep's nix/ library uses, behaving as nixpkgs documents
# them. config.nix (host paths) is written by the test that uses it.
{
  outputs = { self }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      config = import ./config.nix;
    in
    {
      lib = import ./lib.nix;
      legacyPackages = builtins.listToAttrs (map
        (system: { name = system; value = import ./pkgs.nix { inherit system config; }; })
        systems);
    };
}
