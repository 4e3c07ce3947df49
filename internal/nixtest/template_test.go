package nixtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The template, as `nix flake init -t` gives it, builds with dbprep as its
// input: the check phase runs its test against the prepared database.
func TestTemplate(t *testing.T) {
	e := newEnv(t)
	project := testTemplate(t, e, "template", "dbprep: DATABASE_URL=sqlite://")
	for _, f := range []string{"flake.nix", "README.md", "go.mod", "go.sum", "main.go", "main_test.go", "migrations/20240101000000_notes.sql"} {
		if _, err := os.Stat(filepath.Join(project, f)); err != nil {
			t.Errorf("the template lacks %s", f)
		}
	}
}

// The PostgreSQL template (`nix flake init -t …#postgres`) builds as well:
// its check phase queries a server on the prepared data directory.
func TestTemplatePostgres(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	testTemplate(t, e, "template-postgres", "dbprep: DATABASE_URL=postgres:///app?host=")
}

// The MySQL template (`nix flake init -t …#mysql`) builds as well: its check
// phase queries a MariaDB server loaded from the prepared dump.
func TestTemplateMySQL(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	testTemplate(t, e, "template-mysql", "dbprep: DATABASE_URL=mysql://root@localhost/app?socket=")
}

// testTemplate copies a template as `nix flake init` would, builds it with
// dbprep as its input, and checks its tests ran against the database whose
// URL the log shows as wantURL. It returns the project's directory.
func testTemplate(t *testing.T, e env, dir, wantURL string) string {
	t.Helper()
	project := filepath.Join(t.TempDir(), "notes")
	cp := exec.Command("cp", "-r", filepath.Join(e.flake, dir), project)
	if b, err := cp.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, b)
	}
	args := []string{"build", "--json", "--no-link", "path:" + project,
		"--override-input", "nixpkgs", "path:" + e.standin,
		"--override-input", "dbprep", "path:" + e.flake, "--no-write-lock-file"}
	out, err := nixErr(args...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "-notes-0.1.0") {
		t.Errorf("nix build: %s", out)
	}
	drv, err := nixErr("eval", "--raw", "path:"+project+"#packages."+system(t)+".default.drvPath",
		"--override-input", "nixpkgs", "path:"+e.standin, "--override-input", "dbprep", "path:"+e.flake, "--no-write-lock-file")
	if err != nil {
		t.Fatal(err)
	}
	log := nix(t, "log", drv)
	if !strings.Contains(log, wantURL) || !strings.Contains(log, "ok  \texample.com/notes") {
		t.Errorf("the template's tests must run against the prepared database:\n%s", tail(log, 2000))
	}
	if !strings.Contains(log, "vet: no problems") {
		t.Errorf("the template turns vet on; its log lacks dbprep vet's verdict:\n%s", tail(log, 2000))
	}
	if b, err := os.ReadFile(filepath.Join(project, "README.md")); err != nil || !strings.Contains(string(b), "nix flake check") {
		t.Errorf("the template's README must say how to build, enter and check it: %v", err)
	}
	override := []string{"--override-input", "nixpkgs", "path:" + e.standin, "--override-input", "dbprep", "path:" + e.flake, "--no-write-lock-file"}
	attr := func(a string) string {
		return nix(t, append([]string{"eval", "--raw", "path:" + project + "#" + a}, override...)...)
	}
	// One database for the build and the dev shell: the shell's hook names
	// the very derivation the build links.
	sys := system(t)
	if db, hook := attr("packages."+sys+".default.database.outPath"), attr("devShells."+sys+".default.shellHook"); !strings.Contains(hook, db) {
		t.Errorf("the dev shell must use the build's database %s:\n%s", db, hook)
	}
	// `nix flake check` builds the program: vet and the tests run there.
	if check := attr("checks." + sys + ".default.drvPath"); check != drv {
		t.Errorf("checks.default is %s, want the program %s", check, drv)
	}
	nix(t, append([]string{"flake", "check", "path:" + project}, override...)...)
	// A path flake (no git) holds what the shell and nix build write into
	// the project; the program's source leaves them out, so its drvPath
	// stays.
	os.MkdirAll(filepath.Join(project, ".dbprep"), 0o755)
	os.WriteFile(filepath.Join(project, ".dbprep/db.sqlite3"), []byte("written by the dev shell"), 0o644)
	os.Symlink(filepath.Dir(drv), filepath.Join(project, "result"))
	if after := attr("packages." + sys + ".default.drvPath"); after != drv {
		t.Errorf("writing .dbprep/ and result changed the program's drvPath:\n%s\n%s", drv, after)
	}
	return project
}
