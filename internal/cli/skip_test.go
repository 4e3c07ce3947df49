package cli_test

import (
	"crypto/sha512"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/dbprep/dbprep/internal/testdb"
)

// `migrate override skip` (sqlx 0.9): pending migrations up to the target
// are recorded, not run, with the rows sqlx 0.9 writes (success TRUE,
// execution_time -1, the file's SHA-384) and its words; --dry-run writes
// nothing; a later run applies only the rest, and info shows them installed.
func overrideSkip(t *testing.T, url string, open func() *sql.DB) {
	files := map[string]string{
		"migrations/1_users.sql": "CREATE TABLE users (name TEXT);\n",
		"migrations/2_seed.sql":  "INSERT INTO users VALUES ('a');\n",
		"migrations/3_posts.sql": "CREATE TABLE posts (title TEXT);\n",
	}
	c := cmd{Dir: project(t, files), Env: []string{"DATABASE_URL=" + url}}
	c.Run(t, "migrate", "override", "skip", "--dry-run", "--target-version", "2").Want(t, 0,
		"Can apply 1/migrate users (0ns)\nCan apply 2/migrate seed (0ns)\nSkipped 3/migrate posts (0ns)\n")
	c.Run(t, "migrate", "override", "skip", "--target-version", "2").Want(t, 0,
		"Skipped on request 1/migrate users (0ns)\nSkipped on request 2/migrate seed (0ns)\nSkipped 3/migrate posts (0ns)\n")
	db := open()
	defer db.Close()
	rows, err := db.Query("SELECT version, description, success, checksum, execution_time FROM _sqlx_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var v, et int64
		var desc string
		var ok bool
		var sum []byte
		if err := rows.Scan(&v, &desc, &ok, &sum, &et); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %v %x %d", v, desc, ok, sum, et))
	}
	rows.Close()
	want := []string{
		fmt.Sprintf("1 users true %x -1", sha512.Sum384([]byte(files["migrations/1_users.sql"]))),
		fmt.Sprintf("2 seed true %x -1", sha512.Sum384([]byte(files["migrations/2_seed.sql"]))),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ledger rows\n%q\nwant\n%q", got, want)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&n); err == nil {
		t.Fatal("skip ran migration 1: table users exists")
	}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 3/migrate posts")
	c.Run(t, "migrate", "info").Want(t, 0, "1/installed users\n2/installed seed\n3/installed posts\n")
	c.Run(t, "mig", "override", "skip").Want(t, 0)
}

func TestOverrideSkipSQLite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db.sqlite3")
	overrideSkip(t, "sqlite:"+path+"?mode=rwc", func() *sql.DB { return testdb.OpenSQLite(t, path) })
}

func TestOverrideSkipPostgres(t *testing.T) {
	url := testdb.Postgres(t).Fresh(t)
	overrideSkip(t, url, func() *sql.DB {
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
