{ system, config }:
let
  lib = import ./lib.nix;

  # stdenv.mkDerivation: attrs or (finalAttrs: attrs); overrideAttrs takes
  # (old: new) or (final: prev: new), and recomputes every attribute that
  # depends on finalAttrs, as nixpkgs does.
  mkDerivation = fpOrAttrs:
    extensible (if builtins.isFunction fpOrAttrs then fpOrAttrs else (_: fpOrAttrs));

  extensible = rattrs:
    let
      finalAttrs = rattrs finalAttrs;
      overrideAttrs = f0: extensible (self:
        let
          super = rattrs self;
          x = f0 super;
        in
        super // (if builtins.isFunction x then f0 self super else x));
    in
    build finalAttrs // { inherit overrideAttrs; };

  build = attrs:
    let
      passthru = attrs.passthru or { };
      env = attrs.env or { };
      # Without structured attributes env's entries become attributes of
      # their own (environment variables); with them env stays one
      # attribute set, which setup.sh exports, as nixpkgs does.
      structured = attrs.__structuredAttrs or false;
      drvAttrs = (if structured then removeAttrs attrs [ "passthru" "meta" ]
        else removeAttrs attrs [ "passthru" "meta" "env" ] // env) // {
        name = attrs.name or "${attrs.pname}-${attrs.version}";
        inherit system;
        builder = config.bash;
        args = [ "-e" ./setup.sh ];
        # As nixpkgs' mkDerivation sets them: `nix develop` sources
        # $stdenv/setup and writes the environment to the outputs.
        stdenv = stdenvSetup;
        outputs = attrs.outputs or [ "out" ];
        hostPath = config.path;
        # The test run's mark (harness_test.go's runID): not in nixpkgs.
        dbprepTestRun = config.run;
      };
      drv = derivation drvAttrs;
    in
    drv // passthru // { inherit passthru; meta = attrs.meta or { }; };

  # The directory holding `setup` (setup.sh), which is what nixpkgs' stdenv
  # is to `nix develop`.
  stdenvSetup = derivation {
    name = "stdenv-standin";
    inherit system;
    builder = config.bash;
    args = [ "-c" "PATH=${config.path}; mkdir $out && cp ${./setup.sh} $out/setup" ];
  };

  runCommand = name: env: buildCommand: mkDerivation ({ inherit name buildCommand; } // env);

  # The host's Go. Not nixpkgs: it runs with umask 002, so that the build
  # cache every Go build of a test run shares (config.goCache, see
  # build-go-module.nix) stays writable by every build user of the nixbld
  # group; what it writes into $out, Nix makes read-only.
  go = runCommand "go-host" { } ''
    mkdir -p $out/bin
    printf '#!${config.bash}\numask 002\nexec %s "$@"\n' ${config.go} > $out/bin/go
    chmod +x $out/bin/go
  '';

  # As in nixpkgs (callPackage'd): buildGoModule.override { go = …; }
  # gives a buildGoModule with another Go.
  buildGoModule = lib.makeOverridable (import ./build-go-module.nix) { inherit mkDerivation go config; };

  # The host's PostgreSQL server binaries (Debian's postgresql package).
  postgresql = runCommand "postgresql-host" { } ''
    mkdir -p $out
    ln -s ${config.pgBin} $out/bin
  '';

  # The host's MariaDB (Debian's mariadb-server), laid out as nixpkgs'
  # mariadb is: the server and its clients in bin/, a basedir for
  # mariadb-install-db (Debian's script looks for sbin/mariadbd and
  # share/mysql under --basedir).
  mariadb = runCommand "mariadb-host" { } ''
    mkdir -p $out/bin $out/sbin $out/share $out/lib/mysql
    for p in mariadb mariadb-admin mariadb-dump mariadb-install-db my_print_defaults resolveip; do
      ln -s /usr/bin/$p $out/bin/$p
    done
    ln -s /usr/sbin/mariadbd $out/bin/mariadbd
    ln -s /usr/sbin/mariadbd $out/sbin/mariadbd
    ln -s /usr/share/mysql $out/share/mysql
    ln -s /usr/lib/mysql/plugin $out/lib/mysql/plugin
  '';

  # The host's Rust toolchain (Debian's cargo and rustc: a build user
  # cannot run root's ~/.cargo).
  cargo = runCommand "cargo-host" { } "mkdir -p $out/bin; ln -s /usr/bin/cargo $out/bin/cargo";
  rustc = runCommand "rustc-host" { } "mkdir -p $out/bin; ln -s /usr/bin/rustc $out/bin/rustc";

  mkShell = { packages ? [ ], shellHook ? "", ... }@args:
    mkDerivation (removeAttrs args [ "packages" ] // {
      name = args.name or "shell";
      nativeBuildInputs = packages;
      inherit shellHook;
      buildCommand = "echo 'a shell, for nix develop' > $out";
    });

  pkgs = {
    inherit lib system mkDerivation runCommand buildGoModule mkShell go postgresql mariadb cargo rustc;
    # A native package set: the build platform's packages are these.
    buildPackages = pkgs;
    stdenv = { inherit mkDerivation; hostPlatform.system = system; };
    callPackage = fn: overrides:
      let f = if builtins.isFunction fn then fn else import fn;
      in lib.makeOverridable f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // overrides);
  };
in
pkgs
