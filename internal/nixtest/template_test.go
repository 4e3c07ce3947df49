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
	for _, f := range []string{"flake.nix", "go.mod", "go.sum", "main.go", "main_test.go", "migrations/20240101000000_notes.sql"} {
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
	return project
}
