package cli_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

// goEnv is what `go list` needs in the tests' bare environment.
func goEnv(t testing.TB) []string {
	t.Helper()
	var env []string
	for _, k := range []string{"HOME", "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOTOOLCHAIN"} {
		out, err := exec.Command("go", "env", k).Output()
		if k == "HOME" {
			out, err = []byte(os.Getenv("HOME")), nil
		}
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	return append(env, "GOFLAGS=-mod=mod", "GOPROXY=off")
}

const vetApp = `package main

import (
	"database/sql"
	"os"
)

func main() {
	db, _ := sql.Open("sqlite", os.Args[1])
	var color sql.NullString
	db.QueryRow("SELECT favorite_color FROM users WHERE favorite_song = $1", "x").Scan(&color)
	table := os.Args[2]
	db.Exec("DELETE FROM " + table)
}
`

func vetProject(t *testing.T, app string) (cmd, string) {
	t.Helper()
	files := map[string]string{"go.mod": "module example.com/app\n\ngo 1.26\n", "main.go": app}
	for k, v := range twoMigrations {
		files[k] = v
	}
	dir := project(t, files)
	c := cmd{Dir: dir, Env: append(goEnv(t), "DATABASE_URL=sqlite:db.sqlite3")}
	c.Run(t, "prepare", "--out", "db.sqlite3").Want(t, 0)
	return c, dir
}

func TestVetClean(t *testing.T) {
	c, _ := vetProject(t, vetApp)
	r := c.Run(t, "vet")
	r.Want(t, 0, "vet: no problems (1 call skipped as built at run time)")
	if r.Stdout != "" {
		t.Errorf("a clean vet prints nothing on stdout:\n%s", r)
	}
	c.Run(t, "vet", "-v", "./...").Want(t, 0, "main.go:13:10: skipped: the SQL is built at run time",
		"vet: example.com/app: 1 call checked, 1 skipped")
}

func TestVetFindsBadQueries(t *testing.T) {
	app := strings.Replace(vetApp, "SELECT favorite_color FROM users", "SELECT favourite_colour, favorite_song FROM users", 1) +
		"\nfunc more(db *sql.DB) {\n\tdb.Exec(\"DELETE FROM users WHERE favorite_song = $1\")\n}\n"
	c, _ := vetProject(t, app)
	r := c.Run(t, "vet", ".")
	r.Want(t, 1, "error: vet: 2 problem(s) in queries checked against sqlite:db.sqlite3")
	want := "main.go:11:14: no such column: favourite_colour (query \"SELECT favourite_colour, favorite_song FROM users WHERE favorite_song = $1\")\n" +
		"main.go:17:10: the query has 1 parameter but the call passes 0 arguments (query \"DELETE FROM users WHERE favorite_song = $1\")\n"
	if r.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.Stdout, want)
	}
	j := c.Run(t, "vet", "--format", "json")
	j.Want(t, 1)
	var problems []struct {
		File    string
		Line    int
		Column  int
		Message string
	}
	if err := json.Unmarshal([]byte(j.Stdout), &problems); err != nil || len(problems) != 2 || problems[1].Line != 17 || problems[0].File != "main.go" {
		t.Errorf("json: %v %+v\n%s", err, problems, j)
	}
	// A scan arity problem, with the fixed query.
	app = strings.Replace(vetApp, "SELECT favorite_color FROM", "SELECT favorite_color, favorite_song FROM", 1)
	c, _ = vetProject(t, app)
	c.Run(t, "vet").Want(t, 1, "main.go:11:99: Scan has 1 destination for 2 columns")
}

// A column that can be NULL scanned into a string: reported by default,
// not with --null=off, and not with //dbprep:ignore null.
func TestVetNull(t *testing.T) {
	app := strings.Replace(vetApp, "var color sql.NullString", "var color string", 1)
	c, dir := vetProject(t, app)
	c.Run(t, "vet").Want(t, 1, "1 problem(s)")
	r := c.Run(t, "vet", "--null", "strict")
	want := "main.go:11:85: column \"favorite_color\" can be NULL (users.favorite_color has no NOT NULL), and Scan into *string fails on NULL: " +
		"scan into sql.NullString or *string (query \"SELECT favorite_color FROM users WHERE favorite_song = $1\")\n"
	if r.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.Stdout, want)
	}
	c.Run(t, "vet", "--null=off").Want(t, 0, "vet: no problems")
	c.Run(t, "vet", "--null=sometimes").Want(t, 2, "--null \"sometimes\": use off, default or strict")
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(app, "\tdb.QueryRow(", "\t//dbprep:ignore null: the column is set on every insert\n\tdb.QueryRow(", 1)), 0o644)
	c.Run(t, "vet").Want(t, 0, "vet: no problems")
}

func TestVetUsage(t *testing.T) {
	c, dir := vetProject(t, vetApp)
	bare := cmd{Dir: dir, Env: goEnv(t)}
	bare.Run(t, "vet").Want(t, 1, "DATABASE_URL")
	c.Run(t, "vet", "--format", "yaml").Want(t, 2)
	c.Run(t, "vet", "./nothing/...").Want(t, 1, "./nothing/")
	// A test file that does not type-check stops vet as it stops go vet
	// (test files are checked by default); --tests=false leaves it out.
	os.WriteFile(dir+"/broken_test.go", []byte("package main\n\nimport \"testing\"\n\nfunc TestBroken(t *testing.T) { var n int = \"s\"; _ = n }\n"), 0o644)
	c.Run(t, "vet").Want(t, 1, "do not build", "broken_test.go:5:45")
	c.Run(t, "vet", "--tests=false").Want(t, 0, "vet: no problems")
	os.Remove(dir + "/broken_test.go")
	os.WriteFile(dir+"/broken.go", []byte("package main\n\nfunc broken() { undefined() }\n"), 0o644)
	c.Run(t, "vet").Want(t, 1, "do not build", "undefined")
}

// dbprep is also go vet's -vettool: the same check, package by package.
func TestVetAsGoVetTool(t *testing.T) {
	app := strings.Replace(vetApp, "SELECT favorite_color FROM users", "SELECT favourite_colour FROM users", 1)
	_, dir := vetProject(t, app)
	run := exec.Command("go", "vet", "-vettool="+testbin.Path, ".")
	run.Dir = dir
	run.Env = append(goEnv(t), "PATH="+os.Getenv("PATH"), "DATABASE_URL=sqlite:db.sqlite3")
	out, err := run.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "main.go:11:14: no such column: favourite_colour") {
		t.Errorf("go vet -vettool=dbprep: %v\n%s", err, out)
	}
}

// dbprep links every engine, but neither the analyzer nor
// golang.org/x/tools: `vet` is handed to dbprep-vet, so every other command
// starts without them.
func TestDbprepDoesNotLinkTheChecker(t *testing.T) {
	deps := map[string]string{}
	for _, prog := range []string{"dbprep", "dbprep-vet"} {
		out, err := exec.Command("go", "list", "-deps", "../../cmd/"+prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		deps[prog] = string(out)
	}
	checker := []string{"golang.org/x/tools/go/analysis\n", "github.com/dbprep/dbprep/internal/vet\n", "go/types\n"}
	for _, pkg := range checker {
		if strings.Contains(deps["dbprep"], pkg) {
			t.Errorf("dbprep links %s", strings.TrimSpace(pkg))
		}
		if !strings.Contains(deps["dbprep-vet"], pkg) {
			t.Errorf("go list -deps of dbprep-vet lacks %s", strings.TrimSpace(pkg))
		}
	}
	for _, prog := range []string{"dbprep", "dbprep-vet"} {
		for _, pkg := range []string{"github.com/jackc/pgx/v5\n", "github.com/dbprep/dbprep/internal/engine/postgres\n"} {
			if !strings.Contains(deps[prog], pkg) {
				t.Errorf("%s does not link %s: every engine is in both programs", prog, strings.TrimSpace(pkg))
			}
		}
	}
}

// A dbprep installed without dbprep-vet says what to install, and nothing else
// runs.
func TestVetWithoutVetProgram(t *testing.T) {
	_, dir := vetProject(t, vetApp)
	bin := loneDbprep(t)
	data := readFile(t, testbin.Path)
	for _, args := range [][]string{{"vet", "-D", "sqlite:db.sqlite3"}, {"-V=full"}} {
		run := exec.Command(bin, args...)
		run.Dir = dir
		run.Env = append(goEnv(t), "PATH=/usr/bin:/bin")
		out, err := run.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 ||
			!strings.Contains(string(out), "dbprep vet runs dbprep-vet, the query checker, which is not installed") ||
			!strings.Contains(string(out), "go install github.com/dbprep/dbprep/cmd/...@") {
			t.Errorf("dbprep %s without dbprep-vet: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// A dbprep copied under dbprep-vet's name is refused, not run in a loop.
	if err := os.WriteFile(filepath.Join(filepath.Dir(bin), "dbprep-vet"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	loop := exec.Command(bin, "vet", "-D", "sqlite:db.sqlite3")
	loop.Dir = dir
	loop.Env = append(goEnv(t), "PATH=/usr/bin:/bin")
	out, err := loop.CombinedOutput()
	if !strings.Contains(string(out), "does not hold the query checker: it is a copy of dbprep") {
		t.Errorf("dbprep vet with a copy of dbprep as dbprep-vet: %v\n%s", err, out)
	}
	os.Remove(filepath.Join(filepath.Dir(bin), "dbprep-vet"))
	// Found on PATH when not beside dbprep.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	run := exec.Command(bin, "vet", "-D", "sqlite:db.sqlite3")
	run.Dir = dir
	run.Env = append(goEnv(t), "PATH="+filepath.Dir(testbin.Path)+":"+filepath.Dir(goBin)+":/usr/bin:/bin")
	if out, err := run.CombinedOutput(); err != nil || !strings.Contains(string(out), "vet: no problems") {
		t.Errorf("dbprep vet with dbprep-vet on PATH: %v\n%s", err, out)
	}
}

// go vet caches each package's findings under the tool's -V=full answer,
// which carries a digest of the database's schema: with the real go
// command and its real cache, a schema change makes go vet check again,
// changing it back makes it clean again, and a run without a database
// fails instead of replaying old findings. Every engine.
func TestGoVetCacheFollowsSchema(t *testing.T) {
	const app = "package main\n\nimport \"database/sql\"\n\nfunc q(db *sql.DB) {\n\tvar e string\n\tdb.QueryRow(\"SELECT email FROM users WHERE id = %s\", 1).Scan(&e)\n}\n\nfunc main() {}\n"
	tool := filepath.Join(filepath.Dir(testbin.Path), "dbprep-vet")
	engines := []struct {
		name, placeholder string
		url               func(t *testing.T, dir string) (string, func(sql string))
	}{
		{"sqlite", "$1", func(t *testing.T, dir string) (string, func(string)) {
			path := filepath.Join(dir, "db.sqlite3")
			db := testdb.OpenSQLite(t, path)
			return "sqlite:" + path, func(q string) {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"postgres", "$1", func(t *testing.T, dir string) (string, func(string)) {
			srv := testdb.Postgres(t)
			u := srv.Fresh(t)
			name := u[strings.LastIndex(u, "/")+1 : strings.Index(u, "?")]
			return u, func(q string) { srv.Exec(t, name, q) }
		}},
		{"mysql", "?", func(t *testing.T, dir string) (string, func(string)) {
			srv := testdb.MySQL(t)
			name := srv.Fresh(t)
			return srv.SocketURL(name), func(q string) { srv.Exec(t, name, q) }
		}},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dir := project(t, map[string]string{"go.mod": "module example.com/vetcache\n\ngo 1.26\n", "main.go": fmt.Sprintf(app, e.placeholder)})
			url, run := e.url(t, dir)
			// A column name of the test's own, so that no other run's cache
			// entry can answer for this schema.
			run("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL DEFAULT '', n_" + strings.ReplaceAll(filepath.Base(dir), "-", "_") + " INTEGER)")
			vet := func(env ...string) result {
				x := cmd{Dir: dir, Env: append(goEnv(t), env...)}.Command("")
				x.Path, x.Args = goBin(t), []string{"go", "vet", "-vettool=" + tool, "./..."}
				out, err := x.CombinedOutput()
				r := result{Stderr: string(out)}
				if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
					r.Code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				return r
			}
			if r := vet("DATABASE_URL=" + url); r.Code != 0 {
				t.Fatalf("clean schema: %s", r)
			}
			run("ALTER TABLE users DROP COLUMN email")
			r := vet("DATABASE_URL=" + url)
			if r.Code == 0 || !strings.Contains(r.Stderr, "email") {
				t.Fatalf("after DROP COLUMN email, go vet must report it (not replay the clean result):\n%s", r)
			}
			run("ALTER TABLE users ADD COLUMN email VARCHAR(100) NOT NULL DEFAULT ''")
			if r := vet("DATABASE_URL=" + url); r.Code != 0 {
				t.Fatalf("with the column back: %s", r)
			}
			if r := vet(); r.Code == 0 || !strings.Contains(r.Stderr, "no database to check queries against") {
				t.Fatalf("without DATABASE_URL go vet must fail, not replay a verdict:\n%s", r)
			}
		})
	}
}

func goBin(t *testing.T) string {
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A finding in a multi-line query quotes the line the error is on; a
// database that does not exist says what to do.
func TestVetQuotesTheErrorLine(t *testing.T) {
	const app = "package main\n\nimport \"database/sql\"\n\nfunc q(db *sql.DB) {\n\tdb.Query(`SELECT favorite_song\n\t\tFROM users\n\t\tWHERE nope = 1`)\n}\n\nfunc main() {}\n"
	c, _ := vetProject(t, app)
	c.Run(t, "vet", "./...").Want(t, 1, `main.go:8:9: no such column: nope (query "SELECT favorite_song FROM users", at the line "WHERE nope = 1")`)
	bare := cmd{Dir: c.Dir, Env: append(goEnv(t), "DATABASE_URL=sqlite:/nonexistent/db.sqlite3")}
	bare.Run(t, "vet", "./...").Want(t, 1, "/nonexistent/db.sqlite3 does not exist", "dbprep prepare --out")
}

// --engine-url gives the database for the files that declare another
// engine; -v says why a file's calls were skipped without one; a wrong
// password in it is never printed.
func TestVetEngineURL(t *testing.T) {
	c, dir := vetProject(t, vetApp)
	pgApp := "package main\n\n//dbprep:engine postgres\n\nimport \"database/sql\"\n\nfunc pgOnly(db *sql.DB) {\n\tvar now string\n\tdb.QueryRow(\"SELECT now()::text, nope\").Scan(&now)\n}\n"
	os.WriteFile(filepath.Join(dir, "pg.go"), []byte(pgApp), 0o644)
	c.Run(t, "vet", "-v").Want(t, 0, "pg.go:9:14: skipped: the file is for postgres, and no postgres database was given (--engine-url postgres=URL)",
		"1 for want of a database of their file's engine")
	srv := testdb.Postgres(t)
	pg := srv.Fresh(t)
	r0 := c.Run(t, "vet", "--engine-url", "postgres="+pg)
	r0.Want(t, 1, `pg.go:9:14: column "nope" does not exist`, "problem(s) in queries checked against sqlite:db.sqlite3 and postgres://")
	if strings.Contains(r0.Stdout+r0.Stderr, srv.Password) {
		t.Errorf("the password was printed:\n%s", r0)
	}
	wrong := strings.Replace(pg, ":"+srv.Password+"@", ":Wr0ngSecretXyz@", 1)
	r := c.Run(t, "vet", "--engine-url", "postgres="+wrong)
	r.Want(t, 1)
	if strings.Contains(r.Stdout+r.Stderr, "Wr0ngSecretXyz") || strings.Contains(r.Stdout+r.Stderr, srv.Password) {
		t.Errorf("a password was printed:\n%s", r)
	}
	c.Run(t, "vet", "--engine-url", "postgres=sqlite:db.sqlite3").Want(t, 1, "is a sqlite database")
	c.Run(t, "vet", "--engine-url", "oracle=x").Want(t, 1, `unknown engine "oracle"`)
}
