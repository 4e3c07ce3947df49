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
        (system: { name = system; value = f system nixpkgs.legacyPackages.${system}; })
        systems);
      # The project without what the dev shell and `nix build` write into
      # it (.dbprep/, result*): without git (a path: flake) they would be
      # part of the source, and every write to the dev database would
      # rebuild the program.
      src = builtins.path {
        path = ./.;
        name = "notes-source";
        filter = path: type:
          let name = baseNameOf path; in name != ".dbprep" && builtins.match "result.*" name == null;
      };
      # One prepared database, for the build and the dev shell alike: built
      # once, and only when a file in ./migrations changes.
      database = pkgs: (dbprep.lib.mkLib pkgs).prepareDatabase {
        migrations = ./migrations;
        name = "notes-database";
      };
    in
    {
      packages = forAllSystems (system: pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          # The build and `go test` in the check phase see DATABASE_URL,
          # pointing at a writable copy of the prepared database.
          default = db.buildGoModule {
            pname = "notes";
            version = "0.1.0";
            inherit src;
            vendorHash = "sha256-n+WU7qcF6NauBw9DFU4VG1fnDQ387+nibJ/uzApqehk=";
            database = database pkgs;
            # `dbprep vet` checks every query against the database before the
            # build: a query naming a missing column fails it, with file:line.
            vet = true;
          };
        });

      # `nix flake check`: the program built, its queries vetted and its
      # tests run against the prepared database.
      checks = forAllSystems (system: pkgs: { default = self.packages.${system}.default; });

      devShells = forAllSystems (system: pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          default = pkgs.mkShell {
            packages = [ db.dbprep pkgs.go ];
            # Copies the database to .dbprep/db.sqlite3 and exports DATABASE_URL.
            shellHook = db.devShellHook { database = database pkgs; source = "migrations"; };
          };
        });
    };
}
