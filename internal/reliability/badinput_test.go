package reliability

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

// badCase is one bad input: files added to a project whose database already
// has migrations/1_init.sql applied, a command, and what the answer must say.
type badCase struct {
	name  string
	files map[string]string
	setup func(t *testing.T, dir string)
	env   []string
	args  []string
	code  int
	want  []string
	// dbChanges is true for the few cases that replace the database file itself.
	dbChanges bool
}

const initSQL = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"

func badCases() []badCase {
	run := []string{"migrate", "run"}
	return []badCase{
		{name: "non-integer prefix", files: map[string]string{"migrations/seed_data.sql": "SELECT 1;"}, args: run, code: 1, want: []string{"seed_data.sql", "expected integer version prefix"}},
		{name: "refinery-style name", files: map[string]string{"migrations/V2__more.sql": "SELECT 1;"}, args: run, code: 1, want: []string{"V2__more.sql"}},
		{name: "editor lock file", files: map[string]string{"migrations/.#2_x.sql": "x"}, args: run, code: 1, want: []string{".#2_x.sql"}},
		{name: "version overflow", files: map[string]string{"migrations/99999999999999999999_big.sql": "SELECT 1;"}, args: run, code: 1, want: []string{"99999999999999999999_big.sql"}},
		{name: "duplicate versions", files: map[string]string{"migrations/2_a.sql": "CREATE TABLE a (x);", "migrations/0002_b.sql": "CREATE TABLE b (x);"}, args: run, code: 1, want: []string{"duplicate migration version 2", "2_a.sql", "0002_b.sql"}},
		{name: "simple and up with one version", files: map[string]string{"migrations/2_a.sql": "CREATE TABLE a (x);", "migrations/2_b.up.sql": "CREATE TABLE b (x);"}, args: run, code: 1, want: []string{"duplicate migration version 2"}},
		{name: "invalid UTF-8", files: map[string]string{"migrations/2_latin1.sql": "INSERT INTO items (name) VALUES ('caf\xe9');"}, args: run, code: 1, want: []string{"2_latin1.sql", "UTF-8"}},
		{name: "NUL byte", files: map[string]string{"migrations/2_nul.sql": "CREATE TABLE a (x);\n\x00DROP TABLE items;"}, args: run, code: 1, want: []string{"2_nul.sql", "NUL byte on line 2"}},
		{name: "100 MB migration that fails", setup: bigMigration, args: run, code: 1, want: []string{"2_big.sql", "syntax error"}},
		{name: "10000 migrations and one bad name", setup: manyMigrations, args: run, code: 1, want: []string{"bad_name.sql"}},
		{name: "source is a file", args: []string{"migrate", "run", "--source", "migrations/1_init.sql"}, code: 1, want: []string{"1_init.sql", "not a directory"}},
		{name: "source is missing", args: []string{"migrate", "run", "--source", "nowhere"}, code: 1, want: []string{"nowhere", "no such file", "--source"}},
		{name: "unreadable migration", setup: func(t *testing.T, dir string) {
			os.Symlink("/proc/self/mem", filepath.Join(dir, "migrations/2_mem.sql"))
		}, args: run, code: 1, want: []string{"2_mem.sql"}},
		{name: "dangling symlink", setup: func(t *testing.T, dir string) {
			os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "migrations/2_gone.sql"))
		}, args: run, code: 1, want: []string{"2_gone.sql", "dangling symlink"}},
		{name: "read-only database", files: pending, args: []string{"migrate", "run", "-D", "sqlite:db.sqlite3?mode=ro"}, code: 1, want: []string{"readonly database"}},
		{name: "immutable database", files: pending, args: []string{"migrate", "run", "-D", "sqlite:db.sqlite3?immutable=true"}, code: 1, want: []string{"while executing migration 2"}},
		{name: "database is not SQLite", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "db.sqlite3"), bytes.Repeat([]byte("not a database\n"), 300), 0o644)
		}, args: run, code: 1, want: []string{"not a database"}, dbChanges: true},
		{name: "database path is a directory", args: []string{"migrate", "run", "-D", "sqlite:migrations"}, code: 1, want: []string{"migrations is a directory, not a database file"}},
		{name: "database file missing", args: []string{"migrate", "run", "-D", "sqlite:nope.db"}, code: 1, want: []string{"nope.db", "database does not exist", "database create"}},
		{name: "unknown scheme", args: []string{"migrate", "run", "-D", "oracle://root@localhost/app"}, code: 1, want: []string{`unsupported database URL scheme "oracle"`}},
		{name: "no scheme", args: []string{"migrate", "run", "-D", "db.sqlite3"}, code: 1, want: []string{"unsupported database URL scheme", "sqlite:"}},
		{name: "unknown URL parameter", args: []string{"migrate", "run", "-D", "sqlite:db.sqlite3?journal=wal"}, code: 1, want: []string{"unknown query parameter `journal`"}},
		{name: "bad mode", args: []string{"migrate", "run", "-D", "sqlite:db.sqlite3?mode=rwx"}, code: 1, want: []string{"`mode`", "rwx"}},
		{name: "malformed postgres URL", args: []string{"migrate", "run", "-D", "postgres://u:pw@host:port/db"}, code: 1, want: []string{"invalid database URL"}},
		{name: "unreachable server", args: []string{"migrate", "run", "--connect-timeout", "200ms", "-D", "postgres://u@127.0.0.1:1/db"}, code: 1, want: []string{"connection refused"}},
		{name: "empty DATABASE_URL", env: []string{"DATABASE_URL="}, args: []string{"migrate", "run"}, code: 1, want: []string{"no database URL", "--database-url", "DATABASE_URL"}},
		{name: "malformed .env", files: map[string]string{".env": "DATABASE_URL=sqlite:db.sqlite3\nNOT A LINE\n"}, env: []string{}, args: run, code: 1, want: []string{".env:2", "no '='"}},
		{name: ".env unterminated quote", files: map[string]string{".env": "DATABASE_URL='sqlite:db.sqlite3\n"}, env: []string{}, args: run, code: 1, want: []string{".env:1", "unterminated"}},
		{name: "malformed sqlx.toml", files: map[string]string{"sqlx.toml": "[migrate\n"}, args: run, code: 1, want: []string{"sqlx.toml", "not valid sqlx.toml"}},
		{name: "sqlx.toml injected table name", files: map[string]string{"sqlx.toml": "[migrate]\ntable-name = \"x; DROP TABLE items\"\n"}, args: run, code: 1, want: []string{"sqlx.toml", "table-name"}},
		{name: "sqlx.toml underscore key", files: map[string]string{"sqlx.toml": "[migrate]\ntable_name = \"app_ledger\"\n"}, args: run, code: 1, want: []string{"sqlx.toml", `unknown key "table_name"`, `did you mean "table-name"?`}},
		{name: "sqlx.toml SQLite extensions", files: map[string]string{"sqlx.toml": "[drivers.sqlite]\nunsafe-load-extensions = [\"uuid\"]\n"}, args: run, code: 1, want: []string{"sqlx.toml", "cannot load SQLite extensions"}},
		{name: "sqlx.toml ignored-chars", files: map[string]string{"sqlx.toml": "[migrate]\nignored-chars = [\"ab\"]\n"}, args: run, code: 1, want: []string{"ignored-chars", "exactly one character"}},
		{name: "missing --config", args: []string{"--config", "nope.toml", "migrate", "run"}, code: 1, want: []string{"nope.toml"}},
		{name: "target version absent", args: []string{"migrate", "run", "--target-version", "7"}, code: 1, want: []string{"migration 7 is not present in the migration source", "--target-version"}},
		{name: "target version not a number", args: []string{"migrate", "run", "--target-version", "seven"}, code: 2, want: []string{"seven", "target-version"}},
		{name: "target version too old", files: pending, args: []string{"migrate", "run", "--target-version", "0"}, code: 1, want: []string{"not present"}},
		{name: "applied migration edited", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "migrations/1_init.sql"), []byte(initSQL+"-- edited\n"), 0o644)
		}, args: run, code: 1, want: []string{"migration 1 was previously applied but has been modified", "hint:"}},
		{name: "applied migration deleted", files: pending, setup: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "migrations/1_init.sql")) }, args: run, code: 1, want: []string{"migration 1 was previously applied but is missing", "--ignore-missing"}},
		{name: "dirty ledger", files: pending, setup: markDirty, args: run, code: 1, want: []string{"migration 1 is partially applied"}},
		{name: "migration with a syntax error", files: map[string]string{"migrations/2_bad.sql": "CREATE TABLE ok (x);\nSELEKT 1;\n"}, args: run, code: 1, want: []string{"while executing migration 2", "2_bad.sql", `near "SELEKT"`}},
		{name: "migration with its own transaction", files: map[string]string{"migrations/2_tx.sql": "BEGIN;\nCREATE TABLE t (x);\nCOMMIT;\n"}, args: run, code: 1, want: []string{"2_tx.sql", "transaction"}},
		{name: "foreign key violation", files: map[string]string{"migrations/2_fk.sql": "CREATE TABLE c (i INTEGER REFERENCES items(id));\nINSERT INTO c VALUES (42);\n"}, args: run, code: 1, want: []string{"2_fk.sql", "FOREIGN KEY"}},
		{name: "unknown flag", args: []string{"migrate", "run", "--frobnicate"}, code: 2, want: []string{"-frobnicate"}},
		{name: "unknown command", args: []string{"migrate", "apply"}, code: 2, want: []string{`unknown command "apply"`}},
		{name: "bad --format", args: []string{"migrate", "info", "--format", "xml"}, code: 2, want: []string{`--format "xml"`}},
		{name: "drop unconfirmed", args: []string{"database", "drop"}, code: 1, want: []string{"not confirmed", "-y"}},
		{name: "prepare into a missing directory", args: []string{"prepare", "--out", "no/such/dir/db.sqlite3"}, code: 1, want: []string{"no/such/dir"}},
		{name: "prepare with bad SOURCE_DATE_EPOCH", env: []string{"DATABASE_URL=sqlite:db.sqlite3", "SOURCE_DATE_EPOCH=soon"}, args: []string{"prepare", "--out", "db.sqlite3"}, code: 1, want: []string{"SOURCE_DATE_EPOCH", "soon"}},
		{name: "add with -s and -t", args: []string{"migrate", "add", "-s", "-t", "x"}, code: 1, want: []string{"--sequential and --timestamp"}},
	}
}

var pending = map[string]string{"migrations/2_more.sql": "CREATE TABLE more (x);\n"}

func bigMigration(t *testing.T, dir string) {
	f, err := os.Create(filepath.Join(dir, "migrations/2_big.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("CREATE TABLE big (x);\nSELEKT '")
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 100; i++ {
		f.Write(chunk)
	}
	f.WriteString("';\n")
}

func manyMigrations(t *testing.T, dir string) {
	for i := 2; i <= 10001; i++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("migrations/%d_m.sql", i)), []byte("CREATE TABLE m"+fmt.Sprint(i)+" (x);\n"), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "migrations/bad_name.sql"), []byte("SELECT 1;"), 0o644)
}

func markDirty(t *testing.T, dir string) {
	db := openDB(t, "sqlite", "file:"+filepath.Join(dir, "db.sqlite3"))
	defer db.Close()
	if _, err := db.Exec("UPDATE _sqlx_migrations SET success = false"); err != nil {
		t.Fatal(err)
	}
}

func TestBadInputs(t *testing.T) {
	cases := badCases()
	if len(cases) < 40 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := testbin.Project(t, map[string]string{"migrations/1_init.sql": initSQL})
			c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
			c.Run(t, "database", "setup", "--sqlite-create-db-wal=false").Want(t, 0, "Applied 1/migrate init")
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(content), 0o644)
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before, _ := os.ReadFile(filepath.Join(dir, "db.sqlite3"))
			if tc.env != nil {
				c.Env = tc.env
			}
			r := c.Run(t, tc.args...)
			r.Want(t, tc.code, tc.want...)
			if r.Code != 2 && errorLines(r.Stderr) != 1 {
				t.Errorf("want exactly one error line:\n%s", r)
			}
			after, _ := os.ReadFile(filepath.Join(dir, "db.sqlite3"))
			if !tc.dbChanges && !bytes.Equal(before, after) {
				t.Error("the database changed")
			}
		})
	}
}

func errorLines(stderr string) int {
	n := 0
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "error: ") {
			n++
		}
	}
	return n
}
