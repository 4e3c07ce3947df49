# buildGoModule as in nixos-26.05: the main derivation vendors its
# dependencies from goModules, a fixed-output derivation on vendorHash that
# is built from the main derivation's *final* attributes — src, prePatch,
# patches, patchFlags, postPatch, preBuild, modPostBuild (as postBuild),
# sourceRoot, env and nativeBuildInputs — so overrideAttrs reaches it too.
# It runs as whatever user Nix builds as (a build user under a nix-daemon).
# Like nixos-26.05's, it takes attributes or a function of the final
# attributes (finalAttrs: { … }). vendorHash = null is a module without
# dependencies: no goModules, nothing vendored.
{ mkDerivation, go, config }:
argsOrFun:
mkDerivation (finalAttrs:
  let
    args = if builtins.isFunction argsOrFun then argsOrFun finalAttrs else argsOrFun;
    goModules = (mkDerivation {
      name = "${finalAttrs.name or "${finalAttrs.pname}-${finalAttrs.version}"}-go-modules";
      nativeBuildInputs = (finalAttrs.nativeBuildInputs or [ ]) ++ [ go ];
      inherit (finalAttrs) src;
      modRoot = finalAttrs.modRoot or "./";
      prePatch = finalAttrs.prePatch or "";
      patches = finalAttrs.patches or [ ];
      patchFlags = finalAttrs.patchFlags or [ ];
      postPatch = finalAttrs.postPatch or "";
      preBuild = finalAttrs.preBuild or "";
      postBuild = finalAttrs.modPostBuild or "";
      sourceRoot = finalAttrs.sourceRoot or "";
      env = finalAttrs.env or { };
      # Offline: the modules come from a file proxy of the host's module
      # cache that build users may read.
      GOPROXY = "file://${config.goProxy}";
      configurePhase = ''
        runHook preConfigure
        export GOCACHE=$TMPDIR/go-cache GOPATH=$TMPDIR/go GOMODCACHE=$TMPDIR/go-mod GOSUMDB=off GOFLAGS="-mod=mod -modcacherw" GOTOOLCHAIN=local
        cd "$modRoot"
        runHook postConfigure
      '';
      buildPhase = ''
        runHook preBuild
        go mod vendor
        runHook postBuild
      '';
      installPhase = "cp -r vendor $out";
      outputHashMode = "recursive";
      outputHash = finalAttrs.vendorHash;
    }).overrideAttrs (finalAttrs.passthru.overrideModAttrs or (_: { }));
  in
  removeAttrs args [ "overrideModAttrs" ] // {
    nativeBuildInputs = [ go ] ++ (args.nativeBuildInputs or [ ]);
    # In env, as nixpkgs has them: exported with structured attributes too.
    env = (args.env or { }) // { GOFLAGS = "-mod=vendor -trimpath"; GOTOOLCHAIN = "local"; };
    modRoot = args.modRoot or "./";
    doCheck = args.doCheck or true;
    configurePhase = args.configurePhase or ''
      runHook preConfigure
      # Not nixpkgs: one Go build cache for every Go build of a test run
      # (config.goCache; the stand-in's go keeps it writable for the nixbld
      # group), so that the run compiles modernc.org/sqlite once, not once
      # per build. Go's cache is keyed by content and safe for concurrent
      # use; -trimpath keeps the build directory out of its keys.
      export GOCACHE=${config.goCache} GOPATH=$TMPDIR/go GOPROXY=off GOSUMDB=off
      cd "$modRoot"
      rm -rf vendor
      ${if finalAttrs.vendorHash == null then "" else ''
        cp -r ${goModules} vendor
        chmod -R u+w vendor
      ''}
      runHook postConfigure
    '';
    buildPhase = args.buildPhase or ''
      runHook preBuild
      goTags="''${tags[*]:-}"
      goTags="''${goTags// /,}"
      for pkg in $(goDirs); do
        echo "Building subPackage $pkg"
        go install ''${goTags:+-tags="$goTags"} ''${ldflags:+-ldflags="''${ldflags[*]}"} "$pkg"
      done
      runHook postBuild
    '';
    checkPhase = args.checkPhase or ''
      runHook preCheck
      export GOFLAGS=''${GOFLAGS//-trimpath/}
      for pkg in $(goDirs); do
        go test -vet=off ''${checkFlags[*]:-} "$pkg"
      done
      runHook postCheck
    '';
    installPhase = args.installPhase or ''
      runHook preInstall
      mkdir -p $out
      [ -e "$GOPATH/bin" ] && cp -r "$GOPATH/bin" $out
      runHook postInstall
    '';
    passthru = { inherit go goModules; vendorHash = finalAttrs.vendorHash; overrideModAttrs = args.overrideModAttrs or (_: { }); }
      // (args.passthru or { });
  })
