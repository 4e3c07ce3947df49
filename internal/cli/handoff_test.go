package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

// dbprep is one program for every engine: a copy of it alone, with no
// other program of dbprep's beside it or on PATH (as `go run ./cmd/dbprep`
// and `go install …/cmd/dbprep` leave a user), runs every command on a
// postgres:// URL, here one read from .env, and names no password.
func TestPostgresInOneProgram(t *testing.T) {
	srv := testdb.Postgres(t)
	url := srv.Fresh(t)
	dir := project(t, twoMigrations)
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DATABASE_URL="+url+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lone := loneDbprep(t)
	run := func(args ...string) (string, int) {
		x := exec.Command(lone, args...)
		x.Dir = dir
		x.Env = []string{"PATH=/usr/bin:/bin"}
		out, _ := x.CombinedOutput()
		return string(out), x.ProcessState.ExitCode()
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "run"}, "Applied 20211209212255/migrate second"},
		{[]string{"migrate", "info"}, "20211209212255/installed second"},
		{[]string{"schema"}, "CREATE TABLE"},
		{[]string{"migrate", "check"}, ""},
	} {
		out, code := run(c.args...)
		if code != 0 || !strings.Contains(out, c.want) || strings.Contains(out, srv.Password) {
			t.Errorf("dbprep alone, %v: exit %d\n%s", c.args, code, out)
		}
	}
}

// loneDbprep is a copy of the built dbprep in a directory of its own,
// without the programs it hands commands to.
func loneDbprep(t *testing.T) string {
	t.Helper()
	lone := filepath.Join(t.TempDir(), "dbprep")
	if err := os.WriteFile(lone, readFile(t, testbin.Path), 0o755); err != nil {
		t.Fatal(err)
	}
	return lone
}

// The program handed a command runs it only for a dbprep of its own
// version: one found on PATH from another install is refused, with what to
// install, before it does anything (as dbprep-vet runs `vet`, also when go
// vet runs it as a -vettool). Two development builds agree.
func TestHandOffVersionsAgree(t *testing.T) {
	dir := project(t, twoMigrations)
	bin := filepath.Dir(testbin.Path)
	// Release builds, as the Nix package and go install …@vX stamp them.
	release := t.TempDir()
	build := exec.Command("go", "build", "-ldflags", "-X github.com/dbprep/dbprep/internal/cli.Version=v9.9.9",
		"-o", release+string(filepath.Separator), "./cmd/dbprep-vet")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building release programs: %v\n%s", err, out)
	}
	run := func(program, handedBy string, args ...string) (string, int) {
		x := exec.Command(program, args...)
		x.Dir = dir
		x.Env = append(os.Environ(), "DATABASE_URL=sqlite:app.db?mode=rwc",
			"DBPREP_HANDED_OFF_BY=/opt/other/bin/dbprep", "DBPREP_HANDED_OFF_VERSION="+handedBy)
		out, _ := x.CombinedOutput()
		return string(out), x.ProcessState.ExitCode()
	}
	refused := []struct {
		handedBy, install string
	}{
		{"v0.0.1", "go install github.com/dbprep/dbprep/cmd/...@v0.0.1"},
		{"(devel) 0123456789ab", "go install ./cmd/... in the checkout dbprep was built from"},
	}
	for _, c := range [][]string{{"dbprep-vet", "migrate", "run"}, {"dbprep-vet", "vet"}, {"dbprep-vet", "-V=full"}} {
		for _, r := range refused {
			out, code := run(filepath.Join(release, c[0]), r.handedBy, c[1:]...)
			if code != 1 || !strings.Contains(out, "is version v9.9.9, but the dbprep that handed it this command (/opt/other/bin/dbprep) is version "+r.handedBy) ||
				!strings.Contains(out, r.install) {
				t.Errorf("%v handed over by %s: exit %d\n%s", c, r.handedBy, code, out)
			}
			if _, err := os.Stat(filepath.Join(dir, "app.db")); err == nil {
				t.Fatalf("%v handed over by %s created the database", c, r.handedBy)
			}
		}
	}
	out, code := run(filepath.Join(release, "dbprep-vet"), "v9.9.9", "migrate", "info")
	if code != 0 || !strings.Contains(out, "20211209212255/pending second") {
		t.Errorf("dbprep-vet handed over by its own version: exit %d\n%s", code, out)
	}
	// The test build is a development one: another development build agrees.
	out, code = run(filepath.Join(bin, "dbprep-vet"), "(devel) 0123456789ab", "migrate", "run")
	if code != 0 || !strings.Contains(out, "Applied 20211209212255/migrate second") {
		t.Errorf("dbprep-vet (development build) handed over by another development build: exit %d\n%s", code, out)
	}
}
