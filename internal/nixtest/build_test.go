package nixtest

import (
	"bytes"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// A real nix build of the prepared database, with the real dbprep: the
// schema and ledger are there, a --rebuild gives the same bytes, and so
// does dbprep run outside Nix.
func TestPrepareDatabaseBuild(t *testing.T) {
	e := newEnv(t)
	out, err := e.build(t, "mycrate-database")
	if err != nil {
		t.Fatal(err)
	}
	dbFile := filepath.Join(out, "db.sqlite3")
	db, err := sql.Open("sqlite", "file:"+dbFile+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, cols int
	db.QueryRow("SELECT count(*) FROM _sqlx_migrations WHERE success = 1 AND length(checksum) = 48 AND installed_on = '1970-01-01 00:00:00'").Scan(&rows)
	db.QueryRow("SELECT count(*) FROM pragma_table_info('users') WHERE name IN ('favorite_song', 'favorite_color')").Scan(&cols)
	if rows != 2 || cols != 2 {
		t.Errorf("ledger rows %d, users columns %d; want 2 and 2", rows, cols)
	}
	schema, _ := os.ReadFile(filepath.Join(out, "schema.sql"))
	if !strings.Contains(string(schema), "CREATE TABLE users (favorite_song TEXT, favorite_color TEXT);") ||
		!strings.Contains(string(schema), "(20211209212255, 'second', TRUE, X'") {
		t.Errorf("the database's schema.sql:\n%s", schema)
	}
	if _, err := e.build(t, "mycrate-database", "--rebuild"); err != nil {
		t.Fatalf("nix build --rebuild (Nix compares the two builds' bytes): %v", err)
	}
	local := filepath.Join(t.TempDir(), "db.sqlite3")
	run := exec.Command("go", "run", "./cmd/dbprep", "prepare", "--source", "examples/mycrate/migrations", "--out", local)
	run.Dir = repoRoot
	if b, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	a, _ := os.ReadFile(dbFile)
	b, _ := os.ReadFile(local)
	if !bytes.Equal(a, b) {
		t.Error("the Nix-built database differs from one dbprep prepared outside Nix")
	}
	url := e.eval(t, "packages."+system(t)+".mycrate-database.databaseUrl")
	if url != "sqlite://"+out+"/db.sqlite3?mode=ro&immutable=true" {
		t.Errorf("passthru.databaseUrl = %q", url)
	}
}

// The example built with the wrapper: the phase exported DATABASE_URL, the
// example's tests ran against it, the binary runs.
func TestMycrateBuild(t *testing.T) {
	e := newEnv(t)
	out, err := e.build(t, "mycrate")
	if err != nil {
		t.Fatal(err)
	}
	drv := e.eval(t, "packages."+system(t)+".mycrate.drvPath")
	log := nix(t, "log", drv)
	for _, want := range []string{
		"running dbprepLinkDatabasePhase",
		"dbprep: DATABASE_URL=sqlite://",
		"running dbprepVetPhase",
		"dbprep: vet ./examples/mycrate",
		"vet: no problems",
		"main_test.go:30: query checked against sqlite://",
		"--- PASS: TestQueryAgainstDatabaseURL",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("build log lacks %q:\n%s", want, tail(log, 3000))
		}
	}
	if strings.Index(log, "running dbprepLinkDatabasePhase") > strings.Index(log, "running dbprepVetPhase") ||
		strings.Index(log, "running dbprepVetPhase") > strings.Index(log, "running buildPhase") {
		t.Error("the database phase, then the vet phase, must run before the build")
	}
	bin := exec.Command(filepath.Join(out, "bin", "mycrate"))
	bin.Env = []string{"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "app.db")}
	if b, err := bin.CombinedOutput(); err != nil || string(b) != "number of users: 0\n" {
		t.Errorf("mycrate: %v %q", err, b)
	}
	if v, err := nixErr(append([]string{"run", "path:" + e.flake + "#dbprep"}, append(e.override(), "--", "--version")...)...); err != nil || strings.TrimSpace(v) != "dbprep version 0.1.0" {
		t.Errorf("nix run .#dbprep -- --version: %q %v", v, err)
	}
}

// The dev-shell fragment, run in bash, makes a writable copy and exports
// DATABASE_URL; run again, it keeps the copy and its data.
func TestDevShellHook(t *testing.T) {
	e := newEnv(t)
	if _, err := e.build(t, "mycrate-database"); err != nil {
		t.Fatal(err)
	}
	hook := e.eval(t, "devShells."+system(t)+".default.shellHook")
	project := t.TempDir()
	shell := func() string {
		c := exec.Command("bash", "-c", hook+`
echo "URL=$DATABASE_URL"
echo "SOURCE=$DBPREP_SOURCE"`)
		c.Dir = project
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		return string(b)
	}
	first := shell()
	// An absolute URL: it holds in the project's subdirectories too.
	url := "URL=sqlite://" + filepath.Join(project, ".dbprep/db.sqlite3") + "\n"
	// dbprep's commands find the example's migrations from anywhere in the shell.
	source := "SOURCE=" + filepath.Join(project, "examples/mycrate/migrations") + "\n"
	if !strings.Contains(first, "copied the prepared database to "+filepath.Join(project, ".dbprep/db.sqlite3")) || !strings.Contains(first, url) ||
		!strings.Contains(first, source) {
		t.Fatalf("first run:\n%s", first)
	}
	copyPath := filepath.Join(project, ".dbprep/db.sqlite3")
	db, err := sql.Open("sqlite", "file:"+copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO users (favorite_song, favorite_color) VALUES ('x', 'green')"); err != nil {
		t.Fatalf("the copy must be writable: %v", err)
	}
	db.Close()
	second := shell()
	if strings.Contains(second, "copied") || !strings.Contains(second, url) {
		t.Errorf("second run must not copy again:\n%s", second)
	}
	db, _ = sql.Open("sqlite", "file:"+copyPath)
	var n int
	db.QueryRow("SELECT count(*) FROM users").Scan(&n)
	db.Close()
	if n != 1 {
		t.Errorf("the developer's data must survive a second shell: %d rows", n)
	}
}

// nix flake show and nix flake check evaluate every output against the stand-in.
func TestFlakeShowAndCheck(t *testing.T) {
	e := newEnv(t)
	show := nix(t, append([]string{"flake", "show", "--json", "path:" + e.flake}, e.override()...)...)
	for _, want := range []string{`"mycrate"`, `"dbprep"`, `"default"`, `"overlays"`, `"templates"`, `"devShells"`, `"checks"`, `"aarch64-darwin"`} {
		if !strings.Contains(show, want) {
			t.Errorf("flake show lacks %s:\n%s", want, tail(show, 2000))
		}
	}
	for _, want := range []string{`"database-only-migrations"`, `"go-modules-untouched"`, `"go-modules-untouched-postgresql"`, `"crane-deps-untouched"`, `"helpers-refuse-ambiguity"`, `"database-reproducible"`, `"vet-rejects-bad-query"`} {
		if !strings.Contains(show, want) {
			t.Errorf("flake checks lack %s", want)
		}
	}
	check := append([]string{"flake", "check", "path:" + e.flake}, e.override()...)
	nix(t, check...)
	// A broken promise fails the check: a migration among the files that
	// must give the same database.
	os.WriteFile(filepath.Join(e.flake, "nix/tests/migrations-with-extras/3_more.sql"), []byte("CREATE TABLE more (x);\n"), 0o644)
	if _, err := nixErr(check...); err == nil || !strings.Contains(err.Error(), "dbprep check database-only-migrations failed") {
		t.Errorf("a broken promise must fail nix flake check: %v", err)
	}
}

// The package installs the shell completion scripts where bash-completion,
// zsh and fish look for them.
func TestPackageInstallsCompletions(t *testing.T) {
	e := newEnv(t)
	out, err := e.build(t, "dbprep")
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"share/bash-completion/completions/dbprep":    "complete -o bashdefault -o default -F _dbprep_complete dbprep",
		"share/zsh/site-functions/_dbprep":            "#compdef dbprep",
		"share/fish/vendor_completions.d/dbprep.fish": "complete -c dbprep",
	} {
		b, err := os.ReadFile(filepath.Join(out, file))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v; want it to hold %q", file, err, want)
		}
	}
}
