package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testdb"
)

// sqlx's multi-database example (examples/postgres/multi-database), with
// one SQLite and one PostgreSQL member: the main crate keeps its
// migrations in src/migrations, accounts and payments read their own URL
// variables, payments its own ledger table.
func workspaceProject(t *testing.T) (cmd, string, string) {
	t.Helper()
	dir := project(t, map[string]string{
		"Cargo.toml":                         "[package]\nname = \"multi-db\"\nversion = \"0.1.0\"\n\n[workspace]\nmembers = [\"accounts\", \"payments\"]\n",
		"sqlx.toml":                          "[migrate]\nmigrations-dir = \"src/migrations\"\n",
		"src/migrations/1_purchase.sql":      "CREATE TABLE purchase (id INTEGER PRIMARY KEY);\n",
		"accounts/Cargo.toml":                "[package]\nname = \"accounts\"\nversion = \"0.1.0\"\n",
		"accounts/sqlx.toml":                 "[common]\ndatabase-url-var = \"ACCOUNTS_DATABASE_URL\"\n",
		"accounts/migrations/1_account.sql":  "CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n",
		"accounts/migrations/2_session.sql":  "CREATE TABLE session (token TEXT PRIMARY KEY);\n",
		"payments/Cargo.toml":                "[package]\nname = \"payments\"\nversion = \"0.1.0\"\n",
		"payments/sqlx.toml":                 "[common]\ndatabase-url-var = \"PAYMENTS_DATABASE_URL\"\n\n[migrate]\ntable-name = \"payments_migrations\"\n",
		"payments/migrations/1_payment.sql":  "CREATE TABLE payment (id INTEGER PRIMARY KEY, amount BIGINT NOT NULL);\n",
		"target/debug/migrations/1_junk.sql": "junk\n",
	})
	pg := testdb.Postgres(t).Fresh(t)
	env := []string{
		"DATABASE_URL=sqlite:" + filepath.Join(dir, "main.db") + "?mode=rwc",
		"ACCOUNTS_DATABASE_URL=" + pg,
		"PAYMENTS_DATABASE_URL=sqlite:" + filepath.Join(dir, "payments.db"),
	}
	return cmd{Dir: dir, Env: env}, dir, pg
}

func TestWorkspace(t *testing.T) {
	c, dir, pg := workspaceProject(t)
	r := c.Run(t, "database", "setup", "--workspace")
	r.Want(t, 0)
	want := []string{"multi-db: Applied 1/migrate purchase", "accounts: Applied 1/migrate account", "accounts: Applied 2/migrate session", "payments: Applied 1/migrate payment"}
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("setup printed:\n%s", r)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want %q…", i+1, lines[i], w)
		}
	}
	// Each database has its own member's tables and ledger, and nothing
	// of the others'.
	for path, tables := range map[string]string{"main.db": "_sqlx_migrations purchase", "payments.db": "payment payments_migrations"} {
		db := testdb.OpenSQLite(t, filepath.Join(dir, path))
		var got string
		db.QueryRow("SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)").Scan(&got)
		if got != tables {
			t.Errorf("%s has tables %q, want %q", path, got, tables)
		}
	}
	pgdb, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer pgdb.Close()
	var n int
	if err := pgdb.QueryRow("SELECT count(*) FROM _sqlx_migrations").Scan(&n); err != nil || n != 2 {
		t.Errorf("accounts' PostgreSQL ledger: %d rows, %v", n, err)
	}

	c.Run(t, "migrate", "info", "--workspace").Want(t, 0, "accounts: 2/installed session", "payments: 1/installed payment", "multi-db: 1/installed purchase")
	c.Run(t, "migrate", "check", "--workspace").Want(t, 0)

	// One reproducible file per member, named after it; twice the same bytes.
	c.Run(t, "prepare", "--workspace", "--out-dir", "out").Want(t, 0, "accounts: Prepared")
	first := readFile(t, filepath.Join(dir, "out", "accounts.sqlite3"))
	c.Run(t, "prepare", "--workspace", "--out-dir=out").Want(t, 0)
	if string(first) != string(readFile(t, filepath.Join(dir, "out", "accounts.sqlite3"))) {
		t.Error("prepare --workspace is not reproducible")
	}
	for _, f := range []string{"multi-db.sqlite3", "payments.sqlite3"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "src.sqlite3")); err == nil {
		t.Error("src/, the main crate's migrations, was taken for a member")
	}
	// An absolute --out-dir, as CI scripts give, is that directory, not
	// one below the workspace root (for prepare and for schema).
	abs := filepath.Join(t.TempDir(), "abs")
	c.Run(t, "prepare", "--workspace", "--out-dir", abs).Want(t, 0, "payments: Prepared")
	c.Run(t, "schema", "--workspace", "--out-dir="+abs).Want(t, 0)
	for _, f := range []string{"multi-db.sqlite3", "accounts.sqlite3", "payments.sqlite3", "payments.sql"} {
		if _, err := os.Stat(filepath.Join(abs, f)); err != nil {
			t.Error(err)
		}
	}
	if string(first) != string(readFile(t, filepath.Join(abs, "accounts.sqlite3"))) {
		t.Error("prepare --workspace into an absolute --out-dir wrote other bytes")
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(abs))); err == nil {
		t.Errorf("an absolute --out-dir was taken below the workspace root (%s)", filepath.Join(dir, abs))
	}
}

// Each member runs as sqlx-cli run in its directory would, while dbprep's
// own working directory stays the root: a member's .env names a relative
// SQLite file, which is made in the member's directory; a dev shell's
// DBPREP_SOURCE (one member's migrations) is not taken for every member's.
func TestWorkspaceRelativePaths(t *testing.T) {
	dir := project(t, map[string]string{
		"Cargo.toml":                  "[workspace]\nmembers = [\"local\", \"other\"]\n",
		"local/Cargo.toml":            "[package]\nname = \"local\"\n",
		"local/sqlx.toml":             "[common]\ndatabase-url-var = \"LOCAL_DATABASE_URL\"\n",
		"local/.env":                  "LOCAL_DATABASE_URL=sqlite:local.db\n",
		"local/migrations/1_l.sql":    "CREATE TABLE l (id INTEGER PRIMARY KEY);\n",
		"other/Cargo.toml":            "[package]\nname = \"other\"\n",
		"other/db/migrations/1_o.sql": "CREATE TABLE o (id INTEGER PRIMARY KEY);\n",
		"other/sqlx.toml":             "[migrate]\nmigrations-dir = \"db/migrations\"\n",
		"other/.env":                  "DATABASE_URL=sqlite:data/other.db\n",
		"other/data/.keep":            "",
	})
	elsewhere := t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, "9_x.sql"), []byte("CREATE TABLE x (id INTEGER);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := cmd{Dir: dir, Env: []string{"DBPREP_SOURCE=" + elsewhere}}
	c.Run(t, "database", "setup", "--workspace").Want(t, 0, "local: Applied 1/migrate l", "other: Applied 1/migrate o")
	for path, table := range map[string]string{"local/local.db": "l", "other/data/other.db": "o"} {
		db := testdb.OpenSQLite(t, filepath.Join(dir, path))
		var n int
		if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name IN ('" + table + "', 'x')").Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: %d of its tables, %v; want its member's table alone", path, n, err)
		}
	}
	for _, stray := range []string{"local.db", "data/other.db"} {
		if _, err := os.Stat(filepath.Join(dir, stray)); err == nil {
			t.Errorf("%s was made in the workspace root, not in its member", stray)
		}
	}
	c.Run(t, "migrate", "info", "--workspace").Want(t, 0, "local: 1/installed l", "other: 1/installed o")
}

// --source and --config go to every member: a relative path is each
// member's own (as its sqlx.toml's migrations-dir is), an absolute one is
// the same for all; each form with --out-dir relative and absolute.
func TestWorkspaceSourceAndConfig(t *testing.T) {
	dir := project(t, map[string]string{
		"Cargo.toml":               "[workspace]\nmembers = [\"a\", \"b\"]\n",
		"a/Cargo.toml":             "[package]\nname = \"a\"\n",
		"a/db/schema/1_a.sql":      "CREATE TABLE a (id INTEGER PRIMARY KEY);\n",
		"a/migrations/1_wrong.sql": "CREATE TABLE wrong (id INTEGER);\n",
		"a/ci.toml":                "[migrate]\ntable-name = \"a_ledger\"\n",
		"a/sqlx.toml":              "",
		"b/sqlx.toml":              "",
		"b/Cargo.toml":             "[package]\nname = \"b\"\n",
		"b/db/schema/1_b.sql":      "CREATE TABLE b (id INTEGER PRIMARY KEY);\n",
		"b/ci.toml":                "[migrate]\ntable-name = \"b_ledger\"\n",
		"shared/1_shared.sql":      "CREATE TABLE shared (id INTEGER PRIMARY KEY);\n",
		"config/common.toml":       "[migrate]\ntable-name = \"shared_ledger\"\n",
	})
	c := cmd{Dir: dir}
	tables := func(path string) string {
		db := testdb.OpenSQLite(t, path)
		rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		return strings.Join(names, " ")
	}
	// Relative: each member's db/schema and ci.toml; relative --out-dir.
	c.Run(t, "prepare", "--workspace", "--source", "db/schema", "--config", "ci.toml", "--out-dir", "out").Want(t, 0)
	if got := tables(filepath.Join(dir, "out", "a.sqlite3")); got != "a a_ledger" {
		t.Errorf("a, relative --source and --config: tables %q", got)
	}
	if got := tables(filepath.Join(dir, "out", "b.sqlite3")); got != "b b_ledger" {
		t.Errorf("b, relative --source and --config: tables %q", got)
	}
	// Absolute: one directory and one sqlx.toml for all; absolute --out-dir.
	abs := t.TempDir()
	c.Run(t, "prepare", "--workspace", "--source="+filepath.Join(dir, "shared"), "--config="+filepath.Join(dir, "config", "common.toml"), "--out-dir", abs).Want(t, 0)
	for _, m := range []string{"a", "b"} {
		if got := tables(filepath.Join(abs, m+".sqlite3")); got != "shared shared_ledger" {
			t.Errorf("%s, absolute --source and --config: tables %q", m, got)
		}
	}
	// A member without the relative --source is skipped, and says so.
	os.RemoveAll(filepath.Join(dir, "b", "db"))
	c.Run(t, "prepare", "--workspace", "--source", "db/schema", "--out-dir", "out2").Want(t, 0, "b: skipped: no db/schema directory in b")
}

// A failure names the member and stops before the next; drift in one
// member does not stop the check of the others.
func TestWorkspaceStops(t *testing.T) {
	c, dir, _ := workspaceProject(t)
	os.WriteFile(filepath.Join(dir, "accounts/migrations/3_broken.sql"), []byte("CREATE TABLE broken (;\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "payments/migrations/2_refund.sql"), []byte("CREATE TABLE refund (id INTEGER PRIMARY KEY);\n"), 0o644)
	r := c.Run(t, "migrate", "run", "--workspace")
	r.Want(t, 1, "accounts: error: while executing migration 3 (migrations/3_broken.sql)", "error: workspace: accounts failed (in accounts); not run: payments")
	if strings.Contains(r.Stdout+r.Stderr, "payments: Applied") {
		t.Errorf("payments ran after accounts failed:\n%s", r)
	}
	os.Remove(filepath.Join(dir, "accounts/migrations/3_broken.sql"))
	c.Run(t, "database", "create", "--workspace").Want(t, 0)
	c.Run(t, "migrate", "check", "--workspace").Want(t, 3, "payments:   pending: 1 payment", "payments:   pending: 2 refund")
}

func TestWorkspaceUsage(t *testing.T) {
	c, dir, _ := workspaceProject(t)
	c.Run(t, "migrate", "revert", "--workspace").Want(t, 2, `not "migrate revert"`)
	c.Run(t, "prepare", "--workspace").Want(t, 2, "needs --out-dir DIR")
	c.Run(t, "prepare", "--out-dir", "x").Want(t, 2, "--out-dir goes with --workspace")
	c.Run(t, "migrate", "run", "--workspace", "-D", "sqlite:x.db").Want(t, 2, "its own variable")
	c.Run(t, "migrate", "info", "--workspace", "--format", "json").Want(t, 2, "text only")
	// A member without its variable is named, with the variable to set.
	var noAccounts []string
	for _, e := range c.Env {
		if !strings.HasPrefix(e, "ACCOUNTS_DATABASE_URL=") {
			noAccounts = append(noAccounts, e)
		}
	}
	cmd{Dir: dir, Env: noAccounts}.Run(t, "migrate", "run", "--workspace").Want(t, 1,
		"accounts: error: no database URL for accounts: set ACCOUNTS_DATABASE_URL (its sqlx.toml's [common] database-url-var", "not run: payments")
	empty := cmd{Dir: t.TempDir(), Env: c.Env}
	empty.Run(t, "migrate", "run", "--workspace").Want(t, 1, "no member below")
	// A member with a sqlx.toml but no migrations is skipped, and says so.
	os.MkdirAll(filepath.Join(dir, "macros-only"), 0o755)
	os.WriteFile(filepath.Join(dir, "macros-only", "sqlx.toml"), nil, 0o644)
	c.Run(t, "database", "create", "--workspace").Want(t, 0)
	c.Run(t, "migrate", "info", "--workspace", "--format", "text").Want(t, 0, "accounts: 1/pending account")
	c.Run(t, "migrate", "info", "--workspace").Want(t, 0, "macros-only: skipped: no migrations directory in macros-only")
}
