# dbprep itself, built with nixpkgs' buildGoModule, without cgo.
{ buildGoModule }:
buildGoModule rec {
  pname = "dbprep";
  version = "0.1.0";
  # `dbprep --version` prints this, not the "(devel)" of a build without
  # VCS information.
  ldflags = [ "-X github.com/dbprep/dbprep/internal/cli.Version=${version}" ];
  src = import ./source.nix { };
  # The SRI hash of `go mod vendor`; update it whenever go.mod or go.sum
  # changes (the nix tests fail with the new value when it is stale).
  vendorHash = "sha256-ox+aYDHzt0JTIDLZzc76OeWYRTE7qZP8etOHYNfg1Jw=";
  # The same for the source with examples/. It equals vendorHash while the
  # example imports no package dbprep does not (both use pgx's database/sql
  # driver now); it differs as soon as one does.
  passthru.examplesVendorHash = "sha256-ox+aYDHzt0JTIDLZzc76OeWYRTE7qZP8etOHYNfg1Jw=";
  # dbprep-vet is dbprep with the query checker linked in; dbprep hands
  # `dbprep vet` to the one beside it in $out/bin.
  subPackages = [ "cmd/dbprep" "cmd/dbprep-vet" ];
  # Leaves out urfave/cli's man-page and Markdown generators, which dbprep
  # does not use and whose Markdown library's init costs every run 0.6 ms.
  tags = [ "urfave_cli_no_docs" ];
  env.CGO_ENABLED = "0";
  # The test suite needs PostgreSQL and Nix; CI runs it outside Nix.
  doCheck = false;
  # Shell completion (`dbprep completions bash|zsh|fish`), where bash-
  # completion, zsh and fish look for it. It runs the built program, so a
  # cross build (which cannot) leaves them out.
  postInstall = ''
    if "$out/bin/dbprep" --version >/dev/null 2>&1; then
      mkdir -p "$out/share/bash-completion/completions" "$out/share/zsh/site-functions" "$out/share/fish/vendor_completions.d"
      "$out/bin/dbprep" completions bash > "$out/share/bash-completion/completions/dbprep"
      "$out/bin/dbprep" completions zsh > "$out/share/zsh/site-functions/_dbprep"
      "$out/bin/dbprep" completions fish > "$out/share/fish/vendor_completions.d/dbprep.fish"
    fi
  '';
  meta = {
    description = "Apply sqlx migrations and build reproducible prepared databases";
    mainProgram = "dbprep";
  };
}
