package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testdb"
)

// migrate lint --base against a release tagged in a real git repository:
// an edited, a removed and an out-of-order migration are errors naming the
// file and what to do; a directory as the base finds the same; the github
// format annotates the lines; an unknown revision is a clear error.
func TestLintBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed (it is on every CI machine)")
	}
	dir := project(t, map[string]string{
		"migrations/20240101000000_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
		"migrations/20240201000000_posts.sql": "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
		"migrations/20240301000000_tags.sql":  "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
	})
	git := func(args ...string) {
		t.Helper()
		c := exec.Command("git", args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "release")
	git("tag", "v1.0.0")
	released := t.TempDir()
	exec.Command("cp", "-r", filepath.Join(dir, "migrations")+"/.", released).Run()

	c := cmd{Dir: dir}
	c.Run(t, "migrate", "lint", "--base", "v1.0.0").Want(t, 0, "lint: 0 warning(s), no errors in migrations")
	// The release's prepared database, and a server's database it was
	// applied to, as bases too.
	prepared := filepath.Join(t.TempDir(), "released.sqlite3")
	c.Run(t, "prepare", "--out", prepared).Want(t, 0)
	srv := testdb.Postgres(t)
	pg := srv.Fresh(t)
	c.Run(t, "migrate", "run", "-D", pg).Want(t, 0)
	before := readFile(t, prepared)
	m := func(name string) string { return filepath.Join(dir, "migrations", name) }
	os.WriteFile(m("20240101000000_users.sql"), []byte("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"), 0o644)
	os.Remove(m("20240201000000_posts.sql"))
	os.WriteFile(m("20240215000000_late.sql"), []byte("CREATE TABLE late (id INTEGER);\n"), 0o644)
	os.WriteFile(m("20240401000000_next.sql"), []byte("CREATE TABLE next (id INTEGER);\n"), 0o644)
	for _, base := range []string{"v1.0.0", released} {
		c.Run(t, "migrate", "lint", "--base", base).Want(t, 1,
			"migrations/20240101000000_users.sql:1: error: migration 20240101000000 (users) was released at "+base+" and has been edited since",
			"migrations/20240201000000_posts.sql: error: migration 20240201000000 (posts) was released at "+base+" and is gone",
			"migrations/20240215000000_late.sql:1: error: migration 20240215000000 is new since "+base+" but sorts before 20240301000000 (tags)",
			"lint: 3 error(s), 0 warning(s) in migrations")
	}
	c.Run(t, "migrate", "lint", "--base", "v1.0.0").Want(t, 1, "(git checkout v1.0.0 -- :/migrations/20240101000000_users.sql)")
	for _, base := range []string{"sqlite:" + prepared, pg} {
		r := c.Run(t, "migrate", "lint", "--base", base)
		r.Want(t, 1, "migrations/20240101000000_users.sql:1: error: migration 20240101000000 (users) differs from what",
			"migrations: error: migration 20240201000000 was released at",
			"migrations/20240215000000_late.sql:1: error: migration 20240215000000 is new since",
			"but sorts before 20240301000000, released there")
		if strings.Contains(r.Stdout+r.Stderr, srv.Password) {
			t.Errorf("the base's password was printed:\n%s", r)
		}
	}
	if string(readFile(t, prepared)) != string(before) {
		t.Error("lint --base changed the database it read")
	}
	c.Run(t, "migrate", "lint", "--base", "sqlite:"+filepath.Join(dir, "none.db")).Want(t, 1, "--base sqlite:")
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("lint --base created a database")
	}
	gh := c.Run(t, "migrate", "lint", "--base", "v1.0.0", "--format", "github")
	gh.Want(t, 1, "::error file=migrations/20240101000000_users.sql,line=1,title=dbprep edited::migration 20240101000000 (users)")
	if strings.Contains(gh.Stdout, "lint: ") {
		t.Errorf("--format github prints annotations alone:\n%s", gh.Stdout)
	}
	// Acknowledged in the file: shown, not failing.
	os.WriteFile(m("20240215000000_late.sql"), []byte("-- dbprep:allow out-of-order merged late; released databases have no posts yet\nCREATE TABLE late (id INTEGER);\n"), 0o644)
	os.WriteFile(m("20240101000000_users.sql"), []byte("CREATE TABLE users (id INTEGER PRIMARY KEY);\n"), 0o644)
	git("checkout", "-q", "v1.0.0", "--", "migrations/20240201000000_posts.sql")
	c.Run(t, "migrate", "lint", "--base", "v1.0.0").Want(t, 0,
		"migrations/20240215000000_late.sql:1: allowed: migration 20240215000000 is new since v1.0.0", "allowed here: merged late; released databases have no posts yet",
		"lint: 0 warning(s), 1 allowed, no errors in migrations")
	// The effect rules: the new migration renames a released table, on a
	// throwaway SQLite file and on a throwaway database of a PostgreSQL
	// server, which is gone afterwards.
	os.WriteFile(m("20240501000000_people.sql"), []byte("ALTER TABLE users RENAME TO people;\n"), 0o644)
	c.Run(t, "migrate", "lint", "--base", "v1.0.0").Want(t, 1,
		"migrations/20240501000000_people.sql:1: error: the released table users is renamed to people", "[breaks-running-app]")
	server := srv.URL("postgres")
	r := c.Run(t, "migrate", "lint", "--base", "v1.0.0", "--scratch-url", server)
	r.Want(t, 1, "the released table public.users is renamed to public.people")
	if strings.Contains(r.Stdout+r.Stderr, srv.Password) {
		t.Errorf("the scratch server's password was printed:\n%s", r)
	}
	if n := pgCount(t, server, "SELECT count(*) FROM pg_database WHERE datname LIKE 'dbprep_lint_%'"); n != 0 {
		t.Errorf("%d throwaway databases left on the scratch server", n)
	}
	os.Remove(m("20240501000000_people.sql"))
	c.Run(t, "migrate", "lint", "--base", "sqlite:"+prepared).Want(t, 0, "note: the effect rules did not run")
	c.Run(t, "migrate", "lint", "--base", "v9").Want(t, 1, "--base v9 is neither a directory nor a git revision")
	// --workspace: each member against its own migrations at the release.
	os.MkdirAll(filepath.Join(dir, "accounts/migrations"), 0o755)
	os.WriteFile(filepath.Join(dir, "accounts/Cargo.toml"), []byte("[package]\nname = \"accounts\"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "accounts/migrations/1_a.sql"), []byte("CREATE TABLE a (id INTEGER);\n"), 0o644)
	git("add", ".")
	git("commit", "-q", "-m", "accounts")
	git("tag", "v1.1.0")
	os.WriteFile(filepath.Join(dir, "accounts/migrations/1_a.sql"), []byte("CREATE TABLE a (id BIGINT);\n"), 0o644)
	c.Run(t, "migrate", "lint", "--workspace", "--base", "v1.1.0").Want(t, 1,
		"accounts: migrations/1_a.sql:1: error: migration 1 (a) was released at v1.1.0 and has been edited since",
		"error: workspace: accounts failed")
	c.Run(t, "migrate", "lint", "--format", "xml").Want(t, 2, "use text, json or github")
}
