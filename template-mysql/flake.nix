{
  description = "A Go program built against a MySQL or MariaDB database prepared from its migrations";

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
      # One prepared database, for the build and the dev shell alike: a
      # reproducible dump with every migration applied, built once, and
      # only when a file in ./migrations changes.
      database = pkgs: (dbprep.lib.mkLib pkgs).prepareDatabase {
        migrations = ./migrations;
        name = "notes-database";
        engine = "mysql";
        # mysql = pkgs.mysql84;   # nixpkgs' mariadb by default
      };
    in
    {
      packages = forAllSystems (system: pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          # The build and `go test` in the check phase see DATABASE_URL: a
          # server on a unix socket in the build directory, stopped when the
          # build ends.
          default = db.buildGoModule {
            pname = "notes";
            version = "0.1.0";
            inherit src;
            vendorHash = "sha256-WS1Ljpiwzgf0XUrfTVylmFRphSe0uWBQXEnd0s/myo0=";
            database = database pkgs;
            # `dbprep vet` checks every query against the database before the build.
            vet = true;
          };
        });

      # `nix flake check`: the program built, its queries vetted and its
      # tests run against the prepared database.
      checks = forAllSystems (system: pkgs: { default = self.packages.${system}.default; });

      devShells = forAllSystems (system: pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          default = pkgs.mkShell {
            packages = [ (dbprep.lib.mkLib pkgs).dbprep pkgs.go ];
            # Loads the database into .dbprep/mysqldata, starts a server on
            # a unix socket unless one runs, exports DATABASE_URL (and
            # MYSQL_HOME, so `mariadb` reaches it). `dbprep-my stop` stops it.
            shellHook = db.devShellHook { database = database pkgs; source = "migrations"; };
          };
        });
    };
}
