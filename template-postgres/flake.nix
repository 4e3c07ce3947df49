{
  description = "A Go program built against a PostgreSQL database prepared from its migrations";

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
      # A PostgreSQL data directory with every migration applied. It
      # depends on ./migrations alone.
      database = pkgs: (dbprep.lib.mkLib pkgs).prepareDatabase {
        migrations = ./migrations;
        name = "notes-database";
        engine = "postgresql";
        # postgresql = pkgs.postgresql_17;
      };
    in
    {
      packages = forAllSystems (pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          # The build and `go test` in the check phase see DATABASE_URL: a
          # server on a unix socket in the build directory, stopped when the
          # build ends. (Builds must run as build users, as multi-user Nix
          # does: PostgreSQL refuses root.)
          default = db.buildGoModule {
            pname = "notes";
            version = "0.1.0";
            src = ./.;
            vendorHash = "sha256-uqRJfnbXnG6TMR0QA23mnbKjB3/j08FPFx+nhBqjGNo=";
            database = database pkgs;
            # `dbprep vet` checks every query against the database before the build.
            vet = true;
          };
        });

      devShells = forAllSystems (pkgs:
        let db = dbprep.lib.mkLib pkgs; in {
          default = pkgs.mkShell {
            packages = [ pkgs.go ];
            # Copies the data directory to .dbprep/pgdata, starts a server on
            # a unix socket unless one runs, exports DATABASE_URL.
            # `dbprep-pg stop` stops it.
            shellHook = db.devShellHook { database = database pkgs; };
          };
        });
    };
}
