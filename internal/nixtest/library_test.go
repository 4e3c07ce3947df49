package nixtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// exprErr evaluates like expr and returns the error instead of failing.
func (e env) exprErr(body string) (string, error) {
	return nixErr("eval", "--impure", "--raw", "--expr", e.wrap(body))
}

// A migration that is a symlink to a file elsewhere is read through: the
// database builds, with the same bytes as from the file itself.
func TestSymlinkedMigration(t *testing.T) {
	e := newEnv(t)
	plain, err := e.build(t, "mycrate-database")
	if err != nil {
		t.Fatal(err)
	}
	mig := filepath.Join(e.flake, "examples/mycrate/migrations/20211209212255_second.sql")
	moved := filepath.Join(e.flake, "examples/mycrate/second.sql")
	if err := os.Rename(mig, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../second.sql", mig); err != nil {
		t.Fatal(err)
	}
	linked, err := e.build(t, "mycrate-database")
	if err != nil {
		t.Fatalf("a symlinked migration must build: %v", err)
	}
	a, _ := os.ReadFile(filepath.Join(plain, "db.sqlite3"))
	b, _ := os.ReadFile(filepath.Join(linked, "db.sqlite3"))
	if len(a) == 0 || string(a) != string(b) {
		t.Error("the database from a symlinked migration differs from the one from the file")
	}
}

// Files sqlx skips (no '_' in the name) do not reach the derivation.
func TestDatabaseIgnoresFilesSqlxSkips(t *testing.T) {
	e := newEnv(t)
	attr := "packages." + system(t) + ".mycrate-database.drvPath"
	before := e.eval(t, attr)
	for _, name := range []string{"seed.sql", "notes.sql", "README.md"} {
		os.WriteFile(filepath.Join(e.flake, "examples/mycrate/migrations", name), []byte("-- sqlx skips me\n"), 0o644)
	}
	if after := e.eval(t, attr); after != before {
		t.Errorf("files sqlx skips changed the database derivation:\n%s\n%s", before, after)
	}
}

// buildGoModule takes a function of the final attributes, as nixos-26.05's
// does; goModules stays the plain one's; the database is named after the
// package.
func TestBuildGoModuleFixedPoint(t *testing.T) {
	e := newEnv(t)
	got := e.expr(t, `
let
  args = finalAttrs: { pname = "mycrate"; version = "0.1.0"; src = import `+e.flake+`/nix/source.nix { examples = true; };
           vendorHash = dbprep.dbprep.examplesVendorHash; subPackages = [ "examples/${finalAttrs.pname}" ]; };
  plain = pkgs.buildGoModule args;
  wrapped = dbprep.buildGoModule (finalAttrs: args finalAttrs // { migrations = src; });
in builtins.concatStringsSep "\n" [ plain.goModules.drvPath wrapped.goModules.drvPath wrapped.database.name
  (builtins.concatStringsSep " " wrapped.preBuildPhases) (toString wrapped.subPackages) ]`)
	lines := strings.Split(got, "\n")
	if len(lines) != 5 || lines[0] != lines[1] || lines[2] != "mycrate-database" || lines[3] != "dbprepLinkDatabasePhase" || lines[4] != "examples/mycrate" {
		t.Errorf("fixed-point buildGoModule:\n%s", got)
	}
}

// Every helper refuses a call without a database, or with two, saying what
// to pass.
func TestHelperArgumentErrors(t *testing.T) {
	e := newEnv(t)
	db := `(dbprep.prepareDatabase { migrations = src; })`
	tests := []struct{ expr, want string }{
		{`(dbprep.overrideMainWithDatabase { } { }).dbprepLinkDatabasePhase`, "overrideMainWithDatabase: pass `migrations`"},
		{`(dbprep.craneArgsWithDatabase { } { cargoArtifacts = "x"; }).dbprepLinkDatabasePhase`, "craneArgsWithDatabase: pass `migrations`"},
		{`dbprep.devShellHook { }`, "devShellHook: pass `migrations`"},
		{`(dbprep.buildGoModule { pname = "x"; version = "1"; src = src; vendorHash = null; }).database.name`, "buildGoModule: pass `migrations`"},
		{`dbprep.devShellHook { migrations = src; database = ` + db + `; }`, "devShellHook: pass `migrations` or `database`, not both"},
		{`(dbprep.overrideMainWithDatabase { migrations = src; database = ` + db + `; } { }).dbprepLinkDatabasePhase`, "not both"},
		{`(dbprep.craneArgsWithDatabase { migrations = src; } { pname = "x"; }).dbprepLinkDatabasePhase`, "no `cargoArtifacts`"},
		{`(dbprep.prepareDatabase { migrations = src; engine = "oracle"; }).drvPath`, `engine oracle: use "sqlite", "postgresql" ("postgres", dbprep's own name for it, is taken too) or "mysql" ("mariadb" too)`},
		{`(dbprep.prepareDatabase { migrations = src; engine = "mysql"; mysql = null; }).drvPath`, "engine \"mysql\" needs `mysql` (a package, e.g. pkgs.mariadb or pkgs.mysql84)"},
	}
	// "postgres", dbprep's own name for the engine, is "postgresql" in Nix.
	if got := e.expr(t, `let a = dbprep.prepareDatabase { migrations = src; engine = "postgres"; }; b = dbprep.prepareDatabase { migrations = src; engine = "postgresql"; }; in a.engine + " " + (if a.drvPath == b.drvPath then "same" else "differs")`); got != "postgresql same" {
		t.Errorf(`engine = "postgres": %s, want the "postgresql" derivation`, got)
	}
	for _, tt := range tests {
		out, err := e.exprErr(tt.expr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: want an error containing %q, got %q %v", tt.expr, tt.want, out, err)
		}
	}
}

// Without cargoArtifacts, given craneLib, the helper builds the dependency
// artifacts exactly as crane's buildPackage does for the arguments without
// the database (crane's quick start): the same derivation, whatever the
// migrations, and a caller's postInstall (which needs the real binary)
// never runs on the dependency build.
func TestCraneWithoutCargoArtifacts(t *testing.T) {
	e := newEnv(t)
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "1_other.sql"), []byte("CREATE TABLE other (x);\n"), 0o644)
	got := e.expr(t, `
let
  common = { pname = "app"; src = src; postInstall = "test -x $out/bin/app || { echo 'postInstall ran on the dependency build'; exit 1; }"; };
  withDb = m: dbprep.craneArgsWithDatabase { migrations = m; inherit craneLib; } common;
  a = withDb src;
  b = withDb `+other+`;
in builtins.concatStringsSep "\n" [ a.cargoArtifacts.drvPath b.cargoArtifacts.drvPath (craneLib.buildPackage common).cargoArtifacts.drvPath
  a.passthru.database.drvPath b.passthru.database.drvPath a.passthru.database.name ]`)
	lines := strings.Split(got, "\n")
	if len(lines) != 6 {
		t.Fatalf("eval: %s", got)
	}
	if lines[0] != lines[2] || lines[1] != lines[2] {
		t.Errorf("the deps derivation is not crane's own for these arguments:\n%s", got)
	}
	if lines[3] == lines[4] || lines[5] != "app-database" {
		t.Errorf("the databases:\n%s", got)
	}
	if out, err := nixTool("nix-store", "--realise", lines[0]); err != nil {
		t.Errorf("the dependency build failed (a caller's install hook ran on it?): %v\n%s", err, out)
	}
}

// The overlay builds the library from `final`: a later overlay that patches
// dbprep reaches prepareDatabase. Databases are prepared by the build
// platform's dbprep.
func TestOverlayAndBuildPlatform(t *testing.T) {
	e := newEnv(t)
	got := e.expr(t, `
let
  flake = builtins.getFlake "path:`+e.flake+`";
  patch = final: prev: { dbprep = prev.dbprep.overrideAttrs (old: { pname = "dbprep-patched"; }); };
  # nixpkgs' overlay composition: each overlay sees the final set and the one before it.
  compose = overlays: base: let final = builtins.foldl' (prev: o: prev // o final prev) base overlays // { buildPackages = final; }; in final;
  final = compose [ flake.overlays.default patch ] pkgs;
  overlaid = (final.dbprepLib.prepareDatabase { migrations = src; }).drvPath;
  # A cross set: the build platform's packages differ from the host's.
  buildSet = pkgs // { dbprep = pkgs.runCommand "dbprep-for-the-build-platform" { } "mkdir $out"; };
  cross = import `+e.flake+`/nix { pkgs = pkgs // { buildPackages = buildSet; }; };
in builtins.concatStringsSep "\n" [ overlaid (cross.prepareDatabase { migrations = src; }).drvPath cross.dbprep.name ]`)
	lines := strings.Split(got, "\n")
	if len(lines) != 3 {
		t.Fatalf("eval: %s", got)
	}
	if drv := nix(t, "show-derivation", lines[0]); !strings.Contains(drv, "dbprep-patched") {
		t.Errorf("the overlay's prepareDatabase ignores a later overlay's dbprep:\n%s", tail(drv, 1500))
	}
	if drv := nix(t, "show-derivation", lines[1]); !strings.Contains(drv, "dbprep-for-the-build-platform") {
		t.Errorf("prepareDatabase must run the build platform's dbprep:\n%s", tail(drv, 1500))
	}
	if strings.Contains(lines[2], "build-platform") {
		t.Errorf("the library's dbprep package is the host's: %s", lines[2])
	}
}

// Builds run as real Nix runs them: as an unprivileged build user through
// the daemon (.ci/run sets that up). A phase that writes where a build user
// cannot, or a tool that refuses root, fails here as it would for users.
func TestBuildsRunAsBuildUser(t *testing.T) {
	e := newEnv(t)
	drv := e.expr(t, fmt.Sprintf(`(pkgs.runCommand "whoami" { nonce = "%d"; } "id -u > $out; id -gn >> $out").drvPath`, time.Now().UnixNano()))
	out, err := nixTool("nix-store", "--realise", drv)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(strings.TrimSpace(out))
	ids := strings.Fields(string(b))
	if len(ids) != 2 {
		t.Fatalf("id output: %q", b)
	}
	if ids[0] == "0" {
		if os.Getenv("CI") != "" {
			t.Fatalf("builds run as root; in CI they must run as build users (nixbld) through nix-daemon, as .ci/run sets up")
		}
		t.Skip("builds run as root here (single-user Nix); .ci/run runs them as build users")
	}
	if ids[1] != "nixbld" {
		t.Errorf("builds run in group %s, want nixbld", ids[1])
	}
}

// lint = true runs `dbprep migrate lint` first: its errors fail the build,
// naming the file and the rule.
func TestPrepareDatabaseLint(t *testing.T) {
	e := newEnv(t)
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "1_index.sql"), []byte("CREATE INDEX CONCURRENTLY i ON t (x);\n"), 0o644)
	drv := e.expr(t, `(dbprep.prepareDatabase { migrations = `+bad+`; lint = true; }).drvPath`)
	if _, err := nixTool("nix-store", "--realise", drv); err == nil || !strings.Contains(nix(t, "log", drv), "1_index.sql:1: error: CONCURRENTLY cannot run inside a transaction") {
		t.Errorf("lint = true must fail the build on a lint error: %v", err)
	}
	good := e.expr(t, `(dbprep.prepareDatabase { migrations = src; lint = true; }).drvPath`)
	if _, err := nixTool("nix-store", "--realise", good); err != nil {
		t.Errorf("lint = true on clean migrations: %v", err)
	}
}

// vet = true: a query against a column the migrations do not have fails
// the build in the vet phase, before the build phase, naming the file and
// line; goModules is the same as without vet.
func TestGoBuildVetFailsOnBadQuery(t *testing.T) {
	e := newEnv(t)
	args := `{ pname = "vetbad"; version = "0"; src = ` + e.flake + `/nix/tests/vet-bad; vendorHash = null; migrations = src; }`
	drv := e.expr(t, `(dbprep.buildGoModule (`+args+` // { vet = true; })).drvPath`)
	if _, err := nixTool("nix-store", "--realise", drv); err == nil {
		t.Fatal("a build with vet = true passed a query against a missing column")
	}
	log := nix(t, "log", drv)
	if !regexp.MustCompile(`(?m)^main\.go:14:\d+: no such column: favourite_colour \(query "SELECT favourite_colour FROM users WHERE favorite_song = \$1"\)$`).MatchString(log) {
		t.Errorf("the build log does not name the bad query's file and line:\n%s", tail(log, 3000))
	}
	if strings.Contains(log, "running buildPhase") {
		t.Error("the build ran after vet failed")
	}
	// Without vet the same program builds: vet is what stopped it.
	plain := e.expr(t, `(dbprep.buildGoModule `+args+`).drvPath`)
	if out, err := nixTool("nix-store", "--realise", plain); err != nil {
		t.Fatalf("without vet: %v\n%s", err, out)
	}
}

// vet = true checks every subPackage with every tag, with and without
// structured attributes (where lists are bash arrays): the bad query is in
// the second subPackage, in a file only the second tag compiles.
func TestGoBuildVetStructuredAttrs(t *testing.T) {
	e := newEnv(t)
	for _, structured := range []bool{false, true} {
		t.Run(fmt.Sprintf("structuredAttrs=%v", structured), func(t *testing.T) {
			args := func(tags string, flags ...string) string {
				return `{ pname = "vettags"; version = "0"; src = ` + e.flake + `/nix/tests/vet-tags; vendorHash = null; migrations = src;
  subPackages = [ "cmd/a" "cmd/b" ]; tags = [ ` + tags + ` ]; vet = true; __structuredAttrs = ` + fmt.Sprint(structured) + `;
  dbprepVetFlags = [ ` + strings.Join(flags, " ") + ` ]; }`
			}
			bad := e.expr(t, `(dbprep.buildGoModule `+args(`"sqlite" "integration"`)+`).drvPath`)
			if out, err := nixTool("nix-store", "--realise", bad); err == nil {
				t.Fatalf("vet passed a bad query in the second subPackage under the second tag:\n%s", out)
			}
			log := nix(t, "log", bad)
			for _, want := range []string{
				"dbprep: vet ./cmd/a ./cmd/b (tags sqlite,integration)",
				"no such table: userz",
			} {
				if !strings.Contains(log, want) {
					t.Errorf("the build log lacks %q:\n%s", want, tail(log, 3000))
				}
			}
			// dbprepVetFlags reach dbprep vet, each a word.
			flagged := e.expr(t, `(dbprep.buildGoModule `+args(`"sqlite"`, `"--tests=false"`, `"--null=sometimes"`)+`).drvPath`)
			if out, err := nixTool("nix-store", "--realise", flagged); err == nil {
				t.Fatalf("vet took --null=sometimes:\n%s", out)
			}
			if log := nix(t, "log", flagged); !strings.Contains(log, "dbprep: vet --tests=false --null=sometimes ./cmd/a ./cmd/b") ||
				!strings.Contains(log, `--null "sometimes": use off, default or strict`) {
				t.Errorf("the build log lacks the flags and their error:\n%s", tail(log, 3000))
			}
			// Without the second tag the bad file is not compiled, and the
			// build (DATABASE_URL, GOFLAGS and all) goes through.
			good := e.expr(t, `(dbprep.buildGoModule `+args(`"sqlite"`, `"--null=strict"`)+`).drvPath`)
			out, err := nixTool("nix-store", "--realise", good)
			if err != nil {
				t.Fatal(err)
			}
			for _, bin := range []string{"a", "b"} {
				if _, err := os.Stat(filepath.Join(strings.TrimSpace(out), "bin", bin)); err != nil {
					t.Errorf("bin/%s was not built: %v", bin, err)
				}
			}
		})
	}
}

// dbprep.buildGoModule.override { go = …; } picks the Go, as
// pkgs.buildGoModule.override { go = …; } does in nixpkgs; without it the
// package set's own Go builds, and goModules uses the same Go as the build.
func TestBuildGoModuleOverrideGo(t *testing.T) {
	e := newEnv(t)
	got := e.expr(t, `
let
  other = pkgs.runCommand "go-other" { } "mkdir -p $out/bin; ln -s ${pkgs.go}/bin/go $out/bin/go";
  args = { pname = "x"; version = "1"; src = src; vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; migrations = src; };
  gos = drv: builtins.concatStringsSep "," (builtins.filter (n: builtins.substring 0 3 n == "go-")
    (map (p: p.name) drv.nativeBuildInputs));
  picked = (dbprep.buildGoModule.override { go = other; }) args;
  plain = dbprep.buildGoModule args;
  only = drv: builtins.all (p: p.name != "go-host") drv.nativeBuildInputs;
in builtins.concatStringsSep " " [ (gos picked) (if only picked.goModules then "go-other" else gos picked.goModules) (gos plain) ]`)
	if got != "go-other go-other go-host" {
		t.Errorf("nativeBuildInputs (build, goModules, without override): %q; want go-other, go-other, go-host", got)
	}
}

// The naersk helper names a database it prepares after the crate: naersk's
// final derivation has a name (crate-version) and maybe a pname.
func TestNaerskDatabaseName(t *testing.T) {
	e := newEnv(t)
	got := e.expr(t, `builtins.concatStringsSep " " [
  (dbprep.overrideMainWithDatabase { migrations = src; } { name = "mycrate-0.1.0"; }).passthru.database.name
  (dbprep.overrideMainWithDatabase { migrations = src; } { pname = "app"; version = "1"; }).passthru.database.name
  (dbprep.overrideMainWithDatabase { migrations = src; name = "mine"; } { pname = "app"; }).passthru.database.name ]`)
	if got != "mycrate-database app-database mine" {
		t.Errorf("database names %q, want mycrate-database app-database mine", got)
	}
}

// lintCheck is `migrate lint --base` as a flake check, with no git in the
// build: against the released migrations directory it passes while the
// history holds and fails, naming the file, on an edited migration;
// against a released SQLite prepared database it reads its ledger.
func TestLintCheck(t *testing.T) {
	e := newEnv(t)
	released, now := t.TempDir(), t.TempDir()
	for _, d := range []string{released, now} {
		os.WriteFile(filepath.Join(d, "1_users.sql"), []byte("CREATE TABLE users (id INTEGER);\n"), 0o644)
	}
	check := func(base string) (string, error) {
		drv := e.expr(t, `(dbprep.lintCheck { migrations = `+now+`; base = `+base+`; }).drvPath`)
		return nixTool("nix-store", "--realise", drv)
	}
	prepared := `(dbprep.prepareDatabase { migrations = ` + released + `; name = "released"; })`
	for _, base := range []string{released, prepared} {
		if out, err := check(base); err != nil {
			t.Fatalf("base %s, nothing changed: %v %s", base, err, out)
		}
	}
	os.WriteFile(filepath.Join(now, "1_users.sql"), []byte("CREATE TABLE users (id INTEGER, name TEXT);\n"), 0o644)
	for _, base := range []string{released, prepared} {
		_, err := check(base)
		if err == nil || !strings.Contains(err.Error(), "1_users.sql:1: error: migration 1") || !strings.Contains(err.Error(), "[edited]") {
			t.Errorf("base %s, an edited migration must fail the check, naming it: %v", base, err)
		}
	}
}
