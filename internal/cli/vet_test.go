package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

// goEnv is what `go list` needs in the tests' bare environment.
func goEnv(t *testing.T) []string {
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
	var color string
	db.QueryRow("SELECT favorite_color FROM users WHERE favorite_song = $1", "x").Scan(&color)
	table := os.Args[2]
	db.Exec("DELETE FROM " + table)
}
`

func vetProject(t *testing.T, app string) (cmd, string) {
	t.Helper()
	files := map[string]string{"go.mod": "module example.com/app\n\ngo 1.25\n", "main.go": app}
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
	c.Run(t, "vet", "-v", "./...").Want(t, 0, "main.go:13:10: skipped: the SQL is built at run time")
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

func TestVetUsage(t *testing.T) {
	c, dir := vetProject(t, vetApp)
	bare := cmd{Dir: dir, Env: goEnv(t)}
	bare.Run(t, "vet").Want(t, 1, "DATABASE_URL")
	c.Run(t, "vet", "--format", "yaml").Want(t, 2)
	c.Run(t, "vet", "./nothing/...").Want(t, 1, "./nothing/")
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
