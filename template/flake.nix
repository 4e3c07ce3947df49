{
  description = "A Go program built against a prepared SQLite database";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    dbprep.url = "github:dbprep/dbprep";
    dbprep.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, dbprep }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs (map
        (system: { name = system; value = f nixpkgs.legacyPackages.${system}; })
        systems);
    in
    {
      packages = forAllSystems (pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          # The build and `go test` in the check phase see DATABASE_URL,
          # pointing at a writable copy of the prepared database.
          default = db.buildGoModule {
            pname = "notes";
            version = "0.1.0";
            src = ./.;
            vendorHash = "sha256-n+WU7qcF6NauBw9DFU4VG1fnDQ387+nibJ/uzApqehk=";
            migrations = ./migrations;
            # `dbprep vet` checks every query against the database before the
            # build: a query naming a missing column fails it, with file:line.
            vet = true;
          };
        });

      devShells = forAllSystems (pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          default = pkgs.mkShell {
            packages = [ db.dbprep pkgs.go ];
            # Copies the database to .dbprep/db.sqlite3 and exports DATABASE_URL.
            shellHook = db.devShellHook { migrations = ./migrations; };
          };
        });
    };
}
