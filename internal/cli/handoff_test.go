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

// dbprep links SQLite alone: a postgres:// URL runs dbprep-postgres, beside
// dbprep (as go install …/cmd/... and the Nix package put it) or on PATH,
// with the same command line, environment and working directory. Without
// one, the error says what to install, names no password, and nothing runs;
// a copy of dbprep under its name is refused instead of run in a loop.
func TestPostgresHandOff(t *testing.T) {
	srv := testdb.Postgres(t)
	url := srv.Fresh(t)
	dir := project(t, twoMigrations)
	// Through the testbin dbprep, whose dbprep-postgres is beside it; the
	// URL comes from .env, which dbprep-postgres reads again.
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DATABASE_URL="+url+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := cmd{Dir: dir}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 20211209212234/migrate first", "Applied 20211209212255/migrate second")
	c.Run(t, "migrate", "info").Want(t, 0, "20211209212255/installed second")

	lone := loneDbprep(t)
	run := func(env ...string) (string, int) {
		x := exec.Command(lone, "migrate", "info")
		x.Dir = dir
		x.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
		out, _ := x.CombinedOutput()
		return string(out), x.ProcessState.ExitCode()
	}
	out, code := run()
	if code != 1 || !strings.Contains(out, "a postgres:// database URL is handled by dbprep-postgres, dbprep with PostgreSQL's driver, which is not installed") ||
		!strings.Contains(out, "go install github.com/dbprep/dbprep/cmd/...@") || strings.Contains(out, srv.Password) {
		t.Errorf("dbprep without dbprep-postgres: exit %d\n%s", code, out)
	}
	// On PATH when not beside dbprep.
	out, code = run("PATH=" + filepath.Dir(testbin.Path) + ":/usr/bin:/bin")
	if code != 0 || !strings.Contains(out, "20211209212255/installed second") {
		t.Errorf("dbprep with dbprep-postgres on PATH: exit %d\n%s", code, out)
	}
	// A copy of dbprep named dbprep-postgres.
	if err := os.WriteFile(filepath.Join(filepath.Dir(lone), "dbprep-postgres"), readFile(t, testbin.Path), 0o755); err != nil {
		t.Fatal(err)
	}
	out, code = run()
	if code != 1 || !strings.Contains(out, "does not hold PostgreSQL's driver: it is a copy of dbprep") || strings.Contains(out, srv.Password) {
		t.Errorf("dbprep with a copy of dbprep as dbprep-postgres: exit %d\n%s", code, out)
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
// install, before it does anything (as dbprep-postgres and as dbprep-vet,
// also when go vet runs it as a -vettool). Two development builds agree.
func TestHandOffVersionsAgree(t *testing.T) {
	dir := project(t, twoMigrations)
	bin := filepath.Dir(testbin.Path)
	// Release builds, as the Nix package and go install …@vX stamp them.
	release := t.TempDir()
	build := exec.Command("go", "build", "-ldflags", "-X github.com/dbprep/dbprep/internal/cli.Version=v9.9.9",
		"-o", release+string(filepath.Separator), "./cmd/dbprep-postgres", "./cmd/dbprep-vet")
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
	for _, c := range [][]string{{"dbprep-postgres", "migrate", "run"}, {"dbprep-vet", "vet"}, {"dbprep-vet", "-V=full"}} {
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
	out, code := run(filepath.Join(release, "dbprep-postgres"), "v9.9.9", "migrate", "info")
	if code != 0 || !strings.Contains(out, "20211209212255/pending second") {
		t.Errorf("dbprep-postgres handed over by its own version: exit %d\n%s", code, out)
	}
	// The test build is a development one: another development build agrees.
	out, code = run(filepath.Join(bin, "dbprep-postgres"), "(devel) 0123456789ab", "migrate", "run")
	if code != 0 || !strings.Contains(out, "Applied 20211209212255/migrate second") {
		t.Errorf("dbprep-postgres (development build) handed over by another development build: exit %d\n%s", code, out)
	}
}
