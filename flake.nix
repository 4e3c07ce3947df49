{
  description = "dbprep: reproducible prepared databases for sqlx and Go builds";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs (map
        (system: { name = system; value = f nixpkgs.legacyPackages.${system}; })
        systems);
      mkLib = pkgs: import ./nix { inherit pkgs; };

      mycrateDatabase = pkgs: (mkLib pkgs).prepareDatabase {
        migrations = ./examples/mycrate/migrations;
        name = "mycrate-database";
      };

      # The same migrations in a PostgreSQL data directory: the build
      # starts a server on a socket for it, and the check phase queries it.
      mycrateDatabasePostgres = pkgs: (mkLib pkgs).prepareDatabase {
        migrations = ./examples/mycrate/migrations;
        name = "mycrate-database-postgres";
        engine = "postgresql";
      };

      # And in MariaDB (nixpkgs' mariadb; `mysql = pkgs.mysql84;` for MySQL).
      mycrateDatabaseMySQL = pkgs: (mkLib pkgs).prepareDatabase {
        migrations = ./examples/mycrate/migrations;
        name = "mycrate-database-mysql";
        engine = "mysql";
      };

      mycrateWith = pkgs: pname: database: (mkLib pkgs).buildGoModule {
        inherit pname database;
        version = "0.1.0";
        src = import ./nix/source.nix { examples = true; };
        vendorHash = (mkLib pkgs).dbprep.examplesVendorHash;
        subPackages = [ "examples/mycrate" ];
        # dbprep vet checks the example's queries against the database
        # before the build: a bad query fails it, with its file and line.
        vet = true;
        checkFlags = [ "-v" ];
        meta.mainProgram = "mycrate";
      };
      mycrate = pkgs: mycrateWith pkgs "mycrate" (mycrateDatabase pkgs);

      # The workspace example (examples/workspace, after sqlx's
      # multi-database example): one database per member, payments' on
      # PostgreSQL, each under the variable its sqlx.toml names.
      workspaceDatabases = pkgs: (mkLib pkgs).prepareWorkspaceDatabases {
        src = ./examples/workspace;
        settings.payments = { engine = "postgresql"; };
      };
      # Built with cargo as naersk and crane build the final crate: the
      # databases are linked by overrideMainWithDatabase's phase.
      workspaceApp = pkgs:
        let
          base = {
            pname = "workspace-app";
            version = "0.1.0";
            src = ./examples/workspace;
            nativeBuildInputs = [ pkgs.cargo pkgs.rustc ];
            configurePhase = "export CARGO_HOME=$TMPDIR/cargo CARGO_TARGET_DIR=$TMPDIR/target";
            buildPhase = "cargo build --offline --release --frozen";
            installPhase = ''
              mkdir -p $out/bin
              cp $CARGO_TARGET_DIR/release/workspace-app $out/bin/
              $out/bin/workspace-app > $out/compiled-against
            '';
          };
        in
        pkgs.stdenv.mkDerivation (base // (mkLib pkgs).overrideMainWithDatabase { databases = (workspaceDatabases pkgs).databases; } base);
    in
    {
      lib.mkLib = mkLib;

      legacyPackages = forAllSystems mkLib;

      packages = forAllSystems (pkgs:
        let l = mkLib pkgs; in {
          default = l.dbprep;
          dbprep = l.dbprep;
          mycrate = mycrate pkgs;
          mycrate-database = mycrateDatabase pkgs;
          mycrate-postgres = mycrateWith pkgs "mycrate-postgres" (mycrateDatabasePostgres pkgs);
          mycrate-database-postgres = mycrateDatabasePostgres pkgs;
          mycrate-mysql = mycrateWith pkgs "mycrate-mysql" (mycrateDatabaseMySQL pkgs);
          mycrate-database-mysql = mycrateDatabaseMySQL pkgs;
          workspace-app = workspaceApp pkgs;
        });

      # `final` throughout: a later overlay that patches dbprep reaches
      # dbprepLib (prepareDatabase runs the patched build-platform dbprep).
      overlays.default = final: _prev: {
        dbprep = final.callPackage ./nix/package.nix { };
        dbprepLib = mkLib final;
      };

      devShells = forAllSystems (pkgs:
        let l = mkLib pkgs; in {
          default = pkgs.mkShell {
            packages = [ l.dbprep pkgs.go ];
            # dbprep's commands find the example's migrations from anywhere in the shell.
            shellHook = l.devShellHook { database = mycrateDatabase pkgs; source = "examples/mycrate/migrations"; };
          };
        });

      # The packages (mycrate's check phase queries its database), and every
      # promise of nix/API.md (nix/checks.nix).
      checks = forAllSystems (pkgs:
        let p = self.packages.${pkgs.stdenv.hostPlatform.system}; in
        { inherit (p) dbprep mycrate mycrate-database workspace-app; }
        // import ./nix/checks.nix { inherit pkgs; dbprep = mkLib pkgs; });

      templates.default = {
        path = ./template;
        description = "A Go program whose build and dev shell get a prepared SQLite database from its migrations";
      };
      templates.postgres = {
        path = ./template-postgres;
        description = "A Go program whose build and dev shell get a PostgreSQL server with its migrations applied";
      };
      templates.mysql = {
        path = ./template-mysql;
        description = "A Go program whose build and dev shell get a MySQL or MariaDB server with its migrations applied";
      };
    };
}
