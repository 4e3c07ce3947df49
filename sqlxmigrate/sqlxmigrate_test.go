package sqlxmigrate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dbprep/dbprep/internal/testdb"
	"github.com/dbprep/dbprep/sqlxmigrate"

	_ "github.com/jackc/pgx/v5/stdlib" // Run and Open use the drivers the program registers
	_ "modernc.org/sqlite"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var fsys = fstest.MapFS{
	"db/1_users.sql": {Data: []byte("CREATE TABLE users (name TEXT);\n")},
	"db/2_seed.sql":  {Data: []byte("INSERT INTO users VALUES ('a');\n")},
	"db/README.md":   {Data: []byte("not a migration")},
	"db/sub/3_x.sql": {Data: []byte("not read: subdirectory")},
}

func TestRunBothDatabases(t *testing.T) {
	ctx := context.Background()
	urls := map[string]string{
		"sqlite":   "sqlite:" + t.TempDir() + "/db.sqlite3",
		"postgres": testdb.Postgres(t).Fresh(t),
	}
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			n, err := sqlxmigrate.Run(ctx, url, fsys, "db", sqlxmigrate.Options{CreateIfMissing: true})
			if err != nil || n != 2 {
				t.Fatalf("Run = %d, %v", n, err)
			}
			if n, err = sqlxmigrate.Run(ctx, url, fsys, "db", sqlxmigrate.Options{}); err != nil || n != 0 {
				t.Fatalf("second Run = %d, %v", n, err)
			}
			db, err := sqlxmigrate.Open(url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var users, rows int
			db.QueryRow("SELECT count(*) FROM users").Scan(&users)
			db.QueryRow("SELECT count(*) FROM _sqlx_migrations").Scan(&rows)
			if users != 1 || rows != 2 {
				t.Errorf("users %d, ledger rows %d", users, rows)
			}
		})
	}
}

func TestRunErrorHidesPassword(t *testing.T) {
	_, err := sqlxmigrate.Run(context.Background(), "postgres://u:s3cret-pw@127.0.0.1:1/x", fsys, "db", sqlxmigrate.Options{ConnectTimeout: 300 * time.Millisecond})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("got %v", err)
	}
}

// Run, Connect and Open read a URL as sqlx does: the userinfo ends at the
// last '@', so an unencoded '@' in the password reaches the server whole.
func TestURLReadAsSqlxDoes(t *testing.T) {
	srv := testdb.Postgres(t)
	srv.Exec(t, "postgres", "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'atuser') THEN CREATE ROLE atuser LOGIN; END IF; END$$")
	srv.Exec(t, "postgres", "ALTER ROLE atuser PASSWORD 's3@cr:et'")
	u := srv.Fresh(t)
	name := u[strings.LastIndex(u, "/")+1 : strings.Index(u, "?")]
	srv.Exec(t, name, "GRANT ALL ON SCHEMA public TO atuser")
	raw := fmt.Sprintf("postgres://atuser:s3@cr:et@%s/%s?sslmode=disable", srv.HostPort(), name)
	if _, err := sqlxmigrate.Run(context.Background(), raw, fsys, "db", sqlxmigrate.Options{}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	db, err := sqlxmigrate.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var who string
	if err := db.QueryRow("SELECT current_user").Scan(&who); err != nil || who != "atuser" {
		t.Fatalf("connected as %q: %v", who, err)
	}
}
