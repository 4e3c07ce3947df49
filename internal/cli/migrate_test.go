package cli_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testdb"
)

func TestMigrateFlow(t *testing.T) {
	dir := project(t, twoMigrations)
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
	c.Run(t, "migrate", "run").Want(t, 1, "db.sqlite3: database does not exist", "dbprep database create")
	c.Run(t, "database", "create").Want(t, 0)
	r := c.Run(t, "migrate", "run", "--dry-run")
	r.Want(t, 0, "Can apply 20211209212234/migrate first (0ns)", "Can apply 20211209212255/migrate second (0ns)")
	r = c.Run(t, "migrate", "run")
	r.Want(t, 0)
	if !regexp.MustCompile(`^Applied 20211209212234/migrate first \([0-9.]+(ns|µs|ms|s)\)\nApplied 20211209212255/migrate second \([0-9.]+(ns|µs|ms|s)\)\n$`).MatchString(r.Stdout) {
		t.Errorf("run output is not sqlx-cli's:\n%s", r.Stdout)
	}
	c.Run(t, "migrate", "run").Want(t, 0)
	c.Run(t, "migrate", "info").Want(t, 0, "20211209212234/installed first\n20211209212255/installed second\n")
	c.Run(t, "migrate", "check").Want(t, 0, "up to date: 2 migrations applied")

	os.WriteFile(filepath.Join(dir, "migrations/20211209212300_third.sql"), []byte("CREATE TABLE t (x);\n"), 0o644)
	c.Run(t, "migrate", "check").Want(t, 3, "pending: 20211209212300 third")
	r = c.Run(t, "migrate", "check", "--format", "json")
	r.Want(t, 3)
	var st struct {
		UpToDate   bool           `json:"up_to_date"`
		Counts     map[string]int `json:"counts"`
		Migrations []struct {
			Version  int64  `json:"version"`
			State    string `json:"state"`
			Checksum string `json:"checksum"`
		} `json:"migrations"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, r.Stdout)
	}
	if st.UpToDate || st.Counts["pending"] != 1 || st.Counts["installed"] != 2 || len(st.Migrations) != 3 ||
		st.Migrations[2].State != "pending" || len(st.Migrations[0].Checksum) != 96 {
		t.Errorf("json status: %+v", st)
	}

	os.WriteFile(filepath.Join(dir, "migrations/20211209212234_first.sql"), []byte("CREATE TABLE users (favorite_song TEXT); -- edited\n"), 0o644)
	c.Run(t, "migrate", "info").Want(t, 0, "20211209212234/installed (different checksum) first", "applied migration had checksum ", "local migration has checksum ")
	c.Run(t, "migrate", "check").Want(t, 3, "modified: 20211209212234 first")
	c.Run(t, "migrate", "run").Want(t, 1, "migration 20211209212234 was previously applied but has been modified", "hint:")
}

func TestFailingMigrationCLI(t *testing.T) {
	dir := project(t, map[string]string{
		"migrations/1_a.sql": "CREATE TABLE a (x);\n",
		"migrations/2_b.sql": "CREATE TABLE b (x);\n",
		"migrations/3_c.sql": "CREATE TABLE c (x);\nINSERT INTO missing VALUES (1);\n",
		"migrations/4_d.sql": "CREATE TABLE d (x);\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}
	r := c.Run(t, "migrate", "run")
	r.Want(t, 1, "Applied 1/migrate a", "Applied 2/migrate b", "while executing migration 3 (migrations/3_c.sql)", "no such table: missing",
		"hint: the migration was rolled back")
	if strings.Contains(r.Stdout, "Applied 3") || strings.Contains(r.Stdout, "4/") {
		t.Errorf("nothing after the failure may be applied:\n%s", r)
	}
	c.Run(t, "migrate", "check").Want(t, 3, "pending: 3 c", "pending: 4 d")
	info := c.Run(t, "migrate", "info")
	info.Want(t, 0, "1/installed a\n2/installed b\n3/pending c\n4/pending d\n")
	os.WriteFile(filepath.Join(dir, "migrations/3_c.sql"), []byte("CREATE TABLE c (x);\n"), 0o644)
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 3/migrate c", "Applied 4/migrate d")
}

func TestRevertCLI(t *testing.T) {
	dir := project(t, map[string]string{
		"migrations/1_a.up.sql":   "CREATE TABLE a (x);\n",
		"migrations/1_a.down.sql": "DROP TABLE a;\n",
		"migrations/2_b.up.sql":   "CREATE TABLE b (x);\n",
		"migrations/2_b.down.sql": "DROP TABLE b;\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
	c.Run(t, "database", "setup").Want(t, 0, "Applied 1/migrate a", "Applied 2/migrate b")
	r := c.Run(t, "migrate", "revert")
	r.Want(t, 0, "Applied 2/revert b")
	// The time is the revert's own, measured after it ran (it was once
	// taken before, a few hundred nanoseconds).
	if strings.Contains(r.Stdout, "ns)") {
		t.Errorf("the revert's time was not measured around it:\n%s", r)
	}
	c.Run(t, "migrate", "revert", "--target-version", "5").Want(t, 1, "migration 5 is not present in the migration source")
	c.Run(t, "migrate", "revert", "--target-version", "0").Want(t, 0, "Applied 1/revert a")
	c.Run(t, "migrate", "revert").Want(t, 0, "No migrations available to revert: nothing is applied")
	c.Run(t, "migrate", "revert", "--dry-run").Want(t, 0, "No migrations available to revert")
	c.Run(t, "migrate", "revert", "--target-version", "0").Want(t, 0, "No migrations available to revert")
	c.Run(t, "migrate", "run", "--target-version", "1").Want(t, 0, "Applied 1/migrate a", "Skipped 2/migrate b (0ns)")
}

// The latest applied migration has no down file: as sqlx, revert goes past
// it to an older one, but says so; a failing revert reads as sqlx's.
func TestRevertPastSimpleMigration(t *testing.T) {
	dir := project(t, map[string]string{
		"migrations/1_a.up.sql":   "CREATE TABLE a (x);\n",
		"migrations/1_a.down.sql": "DROP TABLE a;\n",
		"migrations/2_b.sql":      "CREATE TABLE b (x);\n",
		"migrations/3_c.up.sql":   "CREATE TABLE c (x);\n",
		"migrations/3_c.down.sql": "DROP TABLE nope;\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}
	c.Run(t, "migrate", "run", "--target-version", "2").Want(t, 0, "Applied 2/migrate b")
	r := c.Run(t, "migrate", "revert")
	r.Want(t, 0, "Applied 1/revert a")
	if !strings.Contains(r.Stderr, "warning: migration 2 is applied but has no .down.sql file") {
		t.Errorf("no warning naming the skipped version:\n%s", r)
	}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 3/migrate c")
	c.Run(t, "migrate", "revert").Want(t, 1, "while executing migration 3", "3_c.down.sql", "no such table: nope")
}

func TestMigrateAddCLI(t *testing.T) {
	dir := t.TempDir()
	c := cmd{Dir: dir}
	r := c.Run(t, "migrate", "add", "-s", "create", "users")
	r.Want(t, 0, "Creating migrations/0001_create_users.sql")
	c.Run(t, "migrate", "add", "second").Want(t, 0, "Creating migrations/0002_second.sql")
	c.Run(t, "--sqlx-compat", "0.8", "migrate", "add", "third", "-r").Want(t, 0, "Creating migrations/0003_third.sql")                          // 0.8: the first migration's type wins
	c.Run(t, "migrate", "add", "fourth", "-r").Want(t, 0, "Creating migrations/0004_fourth.up.sql", "Creating migrations/0004_fourth.down.sql") // 0.9: -r wins
	c.Run(t, "migrate", "add", "-s", "-t", "x").Want(t, 1, "exclude each other")
	if data, _ := os.ReadFile(filepath.Join(dir, "migrations/0001_create_users.sql")); string(data) != "-- Add migration script here\n" {
		t.Errorf("template: %q", data)
	}
}

func TestDatabaseDrop(t *testing.T) {
	dir := t.TempDir()
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
	c.Run(t, "database", "create").Want(t, 0)
	c.Run(t, "database", "drop").Want(t, 1, "Drop database at sqlite:db.sqlite3? [y/N]", "not confirmed; nothing was dropped")
	if _, err := os.Stat(filepath.Join(dir, "db.sqlite3")); err != nil {
		t.Fatal("an unconfirmed drop removed the file")
	}
	cmd{Dir: dir, Env: c.Env, Stdin: "y\n"}.Run(t, "database", "drop").Want(t, 0)
	if _, err := os.Stat(filepath.Join(dir, "db.sqlite3")); !os.IsNotExist(err) {
		t.Fatal("a confirmed drop must remove the file")
	}
	c.Run(t, "database", "create").Want(t, 0)
	c.Run(t, "db", "drop", "-y").Want(t, 0)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("drop left %v", entries)
	}
	c.Run(t, "db", "drop", "-y").Want(t, 0)
}

// sqlx 0.9's rules are the default: -- no-transaction is honoured on
// SQLite. A Cargo.lock that locks sqlx 0.8 (here or in a parent) gives 0.8's
// rules without being told, and says so; --sqlx-compat decides over it.
func TestSqlxCompat(t *testing.T) {
	files := map[string]string{
		"migrations/1_a.sql":      "CREATE TABLE a (x);\n",
		"migrations/2_vacuum.sql": "-- no-transaction\nVACUUM;\n",
	}
	dir := project(t, files)
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}
	c.Run(t, "migrate", "info").Want(t, 0, "sqlx 0.9 rules (the default: no Cargo.lock here locks sqlx)")
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 2/migrate vacuum")
	c.Run(t, "prepare", "-v", "--out", "p.sqlite3").Want(t, 0, "sqlx 0.9 rules", "2 migrations applied")
	c.Run(t, "--sqlx-compat", "1.0", "migrate", "info").Want(t, 2, `--sqlx-compat "1.0"`)
	c.Run(t, "migrate", "add", "--simple", "-s", "more").Want(t, 0, "Creating migrations/0003_more.sql")

	// A workspace whose Cargo.lock locks sqlx 0.8.6, the crate one level down.
	root := t.TempDir()
	lock := "version = 4\n\n[[package]]\nname = \"sqlx\"\nversion = \"0.8.6\"\n"
	if err := os.WriteFile(filepath.Join(root, "Cargo.lock"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	crate := filepath.Join(root, "app")
	for name, body := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(crate, name)), 0o755)
		os.WriteFile(filepath.Join(crate, name), []byte(body), 0o644)
	}
	c = cmd{Dir: crate, Env: c.Env}
	c.Run(t, "migrate", "info", "--format", "json").Want(t, 0, `"sqlx_compat": "0.8"`)
	c.Run(t, "migrate", "info").Want(t, 0, "sqlx 0.8 rules ("+filepath.Join(root, "Cargo.lock")+" locks sqlx 0.8.6)")
	c.Run(t, "migrate", "run").Want(t, 1, "cannot VACUUM from within a transaction", "sqlx 0.8 runs every SQLite migration in a transaction")
	c.Run(t, "--sqlx-compat", "0.9", "migrate", "run").Want(t, 0, "Applied 2/migrate vacuum")
}

// migrate info flags duplicate versions; check fails on them.
func TestDuplicateVersionsFlagged(t *testing.T) {
	dir := project(t, map[string]string{
		"migrations/1_a.sql":     "CREATE TABLE a (x);\n",
		"migrations/1_again.sql": "CREATE TABLE b (x);\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite::memory:"}}
	r := c.Run(t, "migrate", "info")
	r.Want(t, 0)
	if !strings.Contains(r.Stderr, "warning: duplicate migration version 1") {
		t.Errorf("info does not flag the duplicate:\n%s", r)
	}
	c.Run(t, "migrate", "check").Want(t, 3, "duplicate migration version 1")
	c.Run(t, "migrate", "run").Want(t, 1, "duplicate migration version 1")
}

// migrate lint: file:line findings with rules, exit 1 on errors, warnings
// fail only with --strict, JSON for tools; no database needed.
func TestMigrateLintCLI(t *testing.T) {
	dir := project(t, map[string]string{
		"migrations/1_a.sql":  "CREATE TABLE a (x int);\r\n",
		"migrations/seed.sql": "INSERT INTO a VALUES (1);\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=postgres://nobody:secret@127.0.0.1:1/none"}}
	r := c.Run(t, "migrate", "lint")
	r.Want(t, 1, filepath.Join("migrations", "seed.sql")+": error: sqlx never runs this file", "[skipped-file]",
		filepath.Join("migrations", "1_a.sql")+":1: warning: CRLF", "[crlf]", "1 error(s), 1 warning(s)")
	os.Remove(filepath.Join(dir, "migrations", "seed.sql"))
	c.Run(t, "migrate", "lint").Want(t, 0, "[crlf]", "lint: 1 warning(s), no errors")
	c.Run(t, "migrate", "lint", "--strict").Want(t, 1, "0 error(s), 1 warning(s)")
	j := c.Run(t, "migrate", "lint", "--format", "json")
	j.Want(t, 0, `"rule": "crlf"`, `"severity": "warning"`, `"line": 1`)
	os.WriteFile(filepath.Join(dir, "sqlx.toml"), []byte("[migrate]\nignored-chars = [\"\\r\"]\n"), 0o644)
	c.Run(t, "migrate", "lint", "--strict").Want(t, 0, "lint: 0 warning(s), no errors")
}

// A 5 MiB migration, many of the resolver's chunks, is hashed as a stream
// and read again to run: run, check and prepare treat it as any other, and
// sqlx's checksum of it is the one of the whole file.
func TestLargeMigration(t *testing.T) {
	var big strings.Builder
	big.WriteString("CREATE TABLE big (n INTEGER, pad TEXT);\n")
	for i := 0; big.Len() < 5<<20; i++ {
		fmt.Fprintf(&big, "INSERT INTO big VALUES (%d, '%s');\n", i, strings.Repeat("é", 100))
	}
	dir := project(t, map[string]string{"migrations/1_big.sql": big.String()})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 1/migrate big")
	c.Run(t, "migrate", "check").Want(t, 0)
	c.Run(t, "prepare", "--out", "p.sqlite3").Want(t, 0, "1 migrations applied")
	db := testdb.OpenSQLite(t, filepath.Join(dir, "db.sqlite3"))
	var sum []byte
	var rows int
	db.QueryRow("SELECT checksum, (SELECT count(*) FROM big) FROM _sqlx_migrations").Scan(&sum, &rows)
	want := sha512.Sum384([]byte(big.String()))
	if !bytes.Equal(sum, want[:]) || rows != strings.Count(big.String(), "INSERT") {
		t.Errorf("checksum %x (want %x), %d rows", sum, want, rows)
	}
}

// The migrations are read while dbprep connects: a bad file is reported,
// not the server that is not there, and the waiting for it stops at once.
func TestBadMigrationWinsOverConnecting(t *testing.T) {
	dir := project(t, map[string]string{"migrations/1_bad.sql": "SELECT 1;\x00\n"})
	r := cmd{Dir: dir}.Run(t, "migrate", "run", "--connect-timeout", "20s", "-D", "postgres://u@127.0.0.1:1/app")
	r.Want(t, 1, "1_bad.sql", "NUL byte on line 1")
	if strings.Contains(r.Stderr, "refused") || strings.Contains(r.Stderr, "waiting") {
		t.Errorf("the connection is reported, or waited for:\n%s", r)
	}
	// A good directory and a missing database: the database's error.
	os.WriteFile(filepath.Join(dir, "migrations", "1_bad.sql"), []byte("SELECT 1;\n"), 0o644)
	cmd{Dir: dir}.Run(t, "migrate", "run", "-D", "sqlite:missing.db").Want(t, 1, "missing.db", "database does not exist")
}

// migrate check never writes: on a database without a ledger (read-only
// or not) it reports every migration pending (exit 3) and creates
// nothing. migrate info creates the ledger as sqlx's does, where it can.
func TestCheckAndInfoWithoutLedger(t *testing.T) {
	dir := project(t, twoMigrations)
	path := filepath.Join(dir, "fresh.db")
	db := testdb.OpenSQLite(t, path)
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	hasLedger := func() bool {
		db := testdb.OpenSQLite(t, path)
		defer db.Close()
		var n int
		db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = '_sqlx_migrations'").Scan(&n)
		return n > 0
	}
	c := cmd{Dir: dir}
	c.Run(t, "migrate", "check", "-D", "sqlite:fresh.db?mode=ro").Want(t, 3, "pending: 20211209212234 first")
	c.Run(t, "migrate", "info", "-D", "sqlite:fresh.db?mode=ro").Want(t, 0, "20211209212234/pending first", "20211209212255/pending second")
	c.Run(t, "migrate", "check", "-D", "sqlite:fresh.db").Want(t, 3, "pending: 20211209212255 second")
	if hasLedger() {
		t.Fatal("migrate check created the ledger")
	}
	c.Run(t, "migrate", "info", "-D", "sqlite:fresh.db").Want(t, 0, "20211209212234/pending first")
	if !hasLedger() {
		t.Fatal("migrate info did not create the ledger, as sqlx's does")
	}
	// What cannot hold a database is named as such.
	c.Run(t, "migrate", "run", "-D", "sqlite:/dev/null").Want(t, 1, "/dev/null is not a regular file (a character device)")
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	c.Run(t, "migrate", "run", "-D", "sqlite:adir?mode=rwc").Want(t, 1, "adir is a directory, not a database file")
}

// On SQLite the hints fit SQLite: a failed -- no-transaction migration
// (sqlx 0.9) leaves what ran before the failure; a dirty row is not blamed
// on DDL without transactions.
func TestSQLiteFailureHints(t *testing.T) {
	dir := project(t, map[string]string{"migrations/1_half.sql": "-- no-transaction\nCREATE TABLE half (x);\nSELEKT 1;\n"})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}
	r := c.Run(t, "--sqlx-compat", "0.9", "migrate", "run")
	r.Want(t, 1, "what ran before the failing statement stays", "partially applied (success = false in _sqlx_migrations)")
	if strings.Contains(r.Stderr, "rolled back") {
		t.Errorf("the hint says the migration was rolled back:\n%s", r)
	}
	// The migration was recorded as started before it ran, so its failure
	// left a dirty row, which the next run refuses with the way out.
	db := testdb.OpenSQLite(t, filepath.Join(dir, "db.sqlite3"))
	var success bool
	if err := db.QueryRow("SELECT success FROM _sqlx_migrations WHERE version = 1").Scan(&success); err != nil || success {
		t.Fatalf("after the failure: success %v, %v; want a dirty row", success, err)
	}
	db.Close()
	r = c.Run(t, "migrate", "run")
	r.Want(t, 1, "was started and did not finish", "UPDATE _sqlx_migrations SET success = TRUE WHERE version = 1", "DELETE FROM _sqlx_migrations WHERE version = 1")
	if strings.Contains(r.Stderr, "without transactional DDL") {
		t.Errorf("SQLite blamed for DDL without transactions:\n%s", r)
	}
}

// migrate add takes flags after the description, as sqlx-cli (clap) does,
// and --simple makes a single file in 0.8 mode too.
func TestMigrateAddFlagsAnywhere(t *testing.T) {
	dir := project(t, nil)
	c := cmd{Dir: dir}
	c.Run(t, "migrate", "add", "-r", "foo", "--sqlx-compat", "0.9", "-s").Want(t, 0, "Creating migrations/0001_foo.up.sql", "Creating migrations/0001_foo.down.sql")
	c.Run(t, "migrate", "add", "--simple", "seed", "-s").Want(t, 0, "Creating migrations/0002_seed.sql")
	if _, err := os.Stat(filepath.Join(dir, "migrations", "0002_seed.up.sql")); err == nil {
		t.Error("--simple made an up/down pair")
	}
	c.Run(t, "migrate", "add", "more", "words", "--source", "other").Want(t, 0, "Creating other/")
	c.Run(t, "migrate", "add", "--", "-dash").Want(t, 0, "_-dash")
}

// After table-name changes in sqlx.toml on a database that has its schema,
// the failure says the ledger is new, not that the file is wrong.
func TestTableNameChangedHint(t *testing.T) {
	dir := project(t, twoMigrations)
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}
	c.Run(t, "migrate", "run").Want(t, 0)
	os.WriteFile(filepath.Join(dir, "sqlx.toml"), []byte("[migrate]\ntable-name = \"ledger2\"\n"), 0o644)
	r := c.Run(t, "migrate", "run")
	r.Want(t, 1, "the ledger table ledger2 was created by this run", "was table-name changed in sqlx.toml?")
	if strings.Contains(r.Stderr, "Fix migrations/") {
		t.Errorf("the hint blames the file:\n%s", r)
	}
	// A first migration that is simply wrong keeps the usual hint.
	bad := project(t, map[string]string{"migrations/1_bad.sql": "CREATE TABLE a (x;\n"})
	cmd{Dir: bad, Env: []string{"DATABASE_URL=sqlite:db.sqlite3?mode=rwc"}}.Run(t, "migrate", "run").Want(t, 1, "Fix migrations/1_bad.sql and run again")
}

// sqlx.toml's [migrate.defaults] drive migrate add, as in sqlx-cli 0.9.
func TestMigrateAddDefaults(t *testing.T) {
	dir := project(t, map[string]string{"sqlx.toml": "[migrate.defaults]\nmigration-type = \"reversible\"\nmigration-versioning = \"sequential\"\n"})
	c := cmd{Dir: dir}
	c.Run(t, "migrate", "add", "a").Want(t, 0, "Creating migrations/0001_a.up.sql", "Creating migrations/0001_a.down.sql")
	c.Run(t, "migrate", "add", "b", "--simple").Want(t, 0, "Creating migrations/0002_b.sql")
}

// DBPREP_SOURCE (which a dev shell exports) names the migrations directory
// when --source is not given; --source wins over it.
func TestSourceFromEnvironment(t *testing.T) {
	dir := project(t, map[string]string{"db/migrations/1_a.sql": "CREATE TABLE a (x);\n"})
	sub := filepath.Join(dir, "deep", "er")
	os.MkdirAll(sub, 0o755)
	c := cmd{Dir: sub, Env: []string{"DBPREP_SOURCE=" + filepath.Join(dir, "db/migrations"), "DATABASE_URL=sqlite::memory:"}}
	c.Run(t, "migrate", "info").Want(t, 0, "1/pending a")
	c.Run(t, "migrate", "info", "--source", "nowhere").Want(t, 1, "nowhere")
}
