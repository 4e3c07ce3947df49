package nixtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The database derivation's only source is the migrations: editing code or
// docs leaves its drvPath alone, editing a migration changes it.
func TestDatabaseDependsOnlyOnMigrations(t *testing.T) {
	e := newEnv(t)
	attr := "packages." + system(t) + ".mycrate-database.drvPath"
	before := e.eval(t, attr)
	os.WriteFile(filepath.Join(e.flake, "README.md"), []byte("# changed\n"), 0o644)
	os.WriteFile(filepath.Join(e.flake, "examples/mycrate/main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	os.WriteFile(filepath.Join(e.flake, "examples/mycrate/migrations/NOTES.md"), []byte("not a migration\n"), 0o644)
	os.MkdirAll(filepath.Join(e.flake, "examples/mycrate/migrations/old"), 0o755)
	os.WriteFile(filepath.Join(e.flake, "examples/mycrate/migrations/old/1_x.sql"), []byte("-- sqlx does not read subdirectories\n"), 0o644)
	if after := e.eval(t, attr); after != before {
		t.Errorf("drvPath changed with code, docs and non-migration files:\n%s\n%s", before, after)
	}
	m := filepath.Join(e.flake, "examples/mycrate/migrations/20211209212255_second.sql")
	os.WriteFile(m, []byte("ALTER TABLE users ADD favorite_color TEXT NOT NULL DEFAULT 'green';\n"), 0o644)
	if after := e.eval(t, attr); after == before {
		t.Error("drvPath must change when a migration changes")
	}
}

// The wrapper leaves goModules exactly as a plain buildGoModule makes it,
// also after a user's overrideAttrs that adds a preBuild.
func TestGoModulesUntouchedByWrapper(t *testing.T) {
	e := newEnv(t)
	got := e.expr(t, `
let
  args = { pname = "mycrate"; version = "0.1.0"; src = import `+e.flake+`/nix/source.nix { examples = true; };
           vendorHash = dbprep.dbprep.examplesVendorHash; subPackages = [ "examples/mycrate" ]; };
  plain = pkgs.buildGoModule args;
  wrapped = dbprep.buildGoModule (args // { migrations = src; });
  addPreBuild = d: d.overrideAttrs (old: { preBuild = (old.preBuild or "") + "echo user preBuild"; });
in builtins.concatStringsSep "\n" [
  plain.goModules.drvPath
  wrapped.goModules.drvPath
  (addPreBuild plain).goModules.drvPath
  (addPreBuild wrapped).goModules.drvPath
  wrapped.drvPath
  plain.drvPath
  wrapped.database.drvPath
  (builtins.concatStringsSep " " wrapped.preBuildPhases)
  (wrapped.override { migrations = null; database = dbprep.prepareDatabase { migrations = src; name = "other-db"; }; }).database.name
  (wrapped.override { migrations = null; database = dbprep.prepareDatabase { migrations = src; name = "other-db"; }; }).goModules.drvPath
]`)
	lines := strings.Split(got, "\n")
	if len(lines) != 10 || lines[7] != "dbprepLinkDatabasePhase" || lines[8] != "other-db" || lines[9] != lines[0] {
		t.Fatalf("unexpected eval output:\n%s", got)
	}
	if lines[0] != lines[1] {
		t.Errorf("goModules differs:\nplain   %s\nwrapped %s", lines[0], lines[1])
	}
	if lines[2] != lines[3] {
		t.Errorf("after overrideAttrs adding preBuild, goModules differs:\nplain   %s\nwrapped %s", lines[2], lines[3])
	}
	if lines[0] == lines[2] {
		t.Error("the stand-in must copy preBuild into goModules, as nixpkgs does (else this test proves nothing)")
	}
	if lines[4] == lines[5] {
		t.Error("the wrapped build must differ from the plain one (it links the database)")
	}
	drv := nix(t, "show-derivation", lines[4])
	if !strings.Contains(drv, lines[6]) || !strings.Contains(drv, "dbprepLinkDatabasePhase") {
		t.Errorf("the main derivation must depend on the database and run the phase:\n%s", tail(drv, 2000))
	}
	mods := nix(t, "show-derivation", lines[1])
	if strings.Contains(mods, lines[6]) || strings.Contains(mods, "dbprep") && strings.Contains(mods, "DATABASE_URL") {
		t.Error("goModules must not see the database")
	}
}

// With src = ./. (migrations inside), a new migration changes goModules'
// drvPath, since nixpkgs' goModules takes src, but not its output path (a
// fixed-output derivation on vendorHash): nothing is vendored again. The
// recipe nix/API.md gives, overrideModAttrs with a src that leaves out the
// migrations, keeps the drvPath still too.
func TestGoModulesWhenSrcHoldsMigrations(t *testing.T) {
	e := newEnv(t)
	project := t.TempDir()
	copyDir := exec.Command("cp", "-r", e.flake+"/template/.", project)
	if b, err := copyDir.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, b)
	}
	paths := func() []string {
		return strings.Split(e.expr(t, `
let
  src = builtins.path { path = `+project+`; name = "notes-source"; };
  noMigrations = builtins.path { path = `+project+`; name = "notes-modules-source";
    filter = path: type: baseNameOf path != "migrations"; };
  args = { pname = "notes"; version = "0.1.0"; inherit src; migrations = `+project+`/migrations;
           vendorHash = "sha256-n+WU7qcF6NauBw9DFU4VG1fnDQ387+nibJ/uzApqehk="; };
  plain = dbprep.buildGoModule args;
  still = dbprep.buildGoModule (args // { overrideModAttrs = old: { src = noMigrations; }; });
in builtins.concatStringsSep "\n" [ plain.goModules.drvPath plain.goModules.outPath still.goModules.drvPath still.goModules.outPath ]`), "\n")
	}
	before := paths()
	if err := os.WriteFile(filepath.Join(project, "migrations/20990101000000_more.sql"), []byte("CREATE TABLE more (x INTEGER);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	after := paths()
	if len(before) != 4 || len(after) != 4 {
		t.Fatalf("unexpected eval output: %q %q", before, after)
	}
	if before[0] == after[0] {
		t.Error("the stand-in's goModules must take src, as nixpkgs' does (else this test proves nothing)")
	}
	if before[1] != after[1] || before[3] != after[3] {
		t.Errorf("goModules' output path moved with a new migration: %q -> %q", before, after)
	}
	if before[2] != after[2] {
		t.Errorf("with overrideModAttrs' src, goModules' drvPath must stay: %s -> %s", before[2], after[2])
	}
}
