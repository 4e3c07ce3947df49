package sqlxmigrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/go-sql-driver/mysql" // "mysql": MySQL's and MariaDB's
	_ "github.com/lib/pq"              // "postgres": a PostgreSQL driver that is not pgx
	_ "github.com/mattn/go-sqlite3"    // "sqlite3": a SQLite driver that is not modernc (cgo)

	"github.com/dbprep/dbprep/internal/testdb"
	"github.com/dbprep/dbprep/sqlxmigrate"
)

var reversible = fstest.MapFS{
	"migrations/1_users.up.sql":   {Data: []byte("CREATE TABLE users (name TEXT);\n")},
	"migrations/1_users.down.sql": {Data: []byte("DROP TABLE users;\n")},
	"migrations/2_seed.up.sql":    {Data: []byte("INSERT INTO users VALUES ('a');\n")},
	"migrations/2_seed.down.sql":  {Data: []byte("DELETE FROM users;\n")},
	"migrations/3_posts.up.sql":   {Data: []byte("CREATE TABLE posts (title TEXT);\n")},
	"migrations/3_posts.down.sql": {Data: []byte("DROP TABLE posts;\n")},
}

// engines are a caller's *sql.DB on each engine, from drivers other than
// the ones dbprep itself uses.
func engines(t *testing.T) map[string]func(t *testing.T) (*sql.DB, sqlxmigrate.Dialect) {
	return map[string]func(t *testing.T) (*sql.DB, sqlxmigrate.Dialect){
		"sqlite-mattn": func(t *testing.T) (*sql.DB, sqlxmigrate.Dialect) {
			db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "db.sqlite3")+"?_foreign_keys=1")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, sqlxmigrate.SQLite
		},
		"mysql-gosqldriver": func(t *testing.T) (*sql.DB, sqlxmigrate.Dialect) {
			srv := testdb.MySQL(t)
			db, err := sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s:%d)/%s?multiStatements=true", srv.User, srv.Password, srv.Host, srv.Port, srv.Fresh(t)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, sqlxmigrate.MySQL
		},
		"postgres-libpq": func(t *testing.T) (*sql.DB, sqlxmigrate.Dialect) {
			db, err := sql.Open("postgres", testdb.Postgres(t).Fresh(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db, sqlxmigrate.Postgres
		},
	}
}

func versions(rs []sqlxmigrate.Result) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.Version)
	}
	return out
}

func TestProvider(t *testing.T) {
	ctx := context.Background()
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db, d := open(t)
			p, err := sqlxmigrate.New(db, d, reversible, sqlxmigrate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.UpTo(ctx, 2)
			if err != nil || len(res) != 2 || res[0].Version != 1 || res[1].Description != "seed" || res[0].Down {
				t.Fatalf("UpTo(2) = %+v, %v", res, err)
			}
			st, err := p.Status(ctx)
			if err != nil || len(st) != 3 || st[1].State != sqlxmigrate.Applied || st[2].State != sqlxmigrate.Pending {
				t.Fatalf("Status = %+v, %v", st, err)
			}
			if res, err = p.Up(ctx); err != nil || len(res) != 1 || res[0].Version != 3 {
				t.Fatalf("Up = %+v, %v", res, err)
			}
			if res, err = p.Up(ctx); err != nil || len(res) != 0 {
				t.Fatalf("Up again = %+v, %v", res, err)
			}
			if _, err := p.UpTo(ctx, 1); !errors.Is(err, sqlxmigrate.ErrVersionTooOld) {
				t.Errorf("UpTo below the latest: %v", err)
			}
			if res, err = p.DownTo(ctx, 1); err != nil || len(res) != 2 || res[0].Version != 3 || !res[0].Down {
				t.Fatalf("DownTo(1) = %+v, %v", res, err)
			}
			var n int
			db.QueryRow("SELECT count(*) FROM _sqlx_migrations").Scan(&n)
			if n != 1 {
				t.Errorf("ledger rows after DownTo(1): %d", n)
			}
			if res, err = p.Down(ctx); err != nil || len(res) != 1 || res[0].Version != 1 {
				t.Fatalf("Down = %+v, %v", res, err)
			}

			// An applied migration edited since: ErrModified, and Status says so.
			p.Up(ctx)
			edited := fstest.MapFS{}
			for k, v := range reversible {
				edited[k] = v
			}
			edited["migrations/2_seed.up.sql"] = &fstest.MapFile{Data: []byte("INSERT INTO users VALUES ('b');\n")}
			pe, _ := sqlxmigrate.New(db, d, edited, sqlxmigrate.Options{})
			if _, err := pe.Up(ctx); !errors.Is(err, sqlxmigrate.ErrModified) || !strings.Contains(err.Error(), "2") {
				t.Errorf("Up with an edited migration: %v", err)
			}
			if st, _ := pe.Status(ctx); len(st) != 3 || st[1].State != sqlxmigrate.Modified {
				t.Errorf("Status with an edited migration: %+v", st)
			}
			// An applied migration whose file is gone: ErrMissing.
			gone := fstest.MapFS{}
			for k, v := range reversible {
				if !strings.HasPrefix(k, "migrations/3_") {
					gone[k] = v
				}
			}
			pg, _ := sqlxmigrate.New(db, d, gone, sqlxmigrate.Options{})
			if _, err := pg.Up(ctx); !errors.Is(err, sqlxmigrate.ErrMissing) {
				t.Errorf("Up with a missing migration: %v", err)
			}
		})
	}
}

func TestProviderFailingMigrationAndDirty(t *testing.T) {
	ctx := context.Background()
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db, d := open(t)
			bad := fstest.MapFS{
				"migrations/1_ok.sql":  {Data: []byte("CREATE TABLE a (x INTEGER);\n")},
				"migrations/2_bad.sql": {Data: []byte("CREATE TABLE b (x INTEGER);\nINSERT INTO nope VALUES (1);\n")},
			}
			p, _ := sqlxmigrate.New(db, d, bad, sqlxmigrate.Options{})
			res, err := p.Up(ctx)
			if err == nil || len(res) != 1 || !strings.Contains(err.Error(), "while executing migration 2 (migrations/2_bad.sql): ") {
				t.Fatalf("Up = %+v, %v", res, err)
			}
			// What was applied before the failure, and the failing migration.
			var pe *sqlxmigrate.PartialError
			var me *sqlxmigrate.MigrationError
			if !errors.As(err, &pe) || !errors.As(err, &me) {
				t.Fatalf("Up: %T %v; want a *PartialError around a *MigrationError", err, err)
			}
			if len(pe.Applied) != 1 || pe.Applied[0].Version != 1 || pe.Failed.Version != 2 || pe.Failed.Description != "bad" {
				t.Errorf("PartialError: %+v", pe)
			}
			if me.Version != 2 || me.File != "migrations/2_bad.sql" || me.Down || me.NoTx || me.Err == nil {
				t.Errorf("MigrationError: %+v", me)
			}
			var n int
			if d == sqlxmigrate.MySQL {
				// MySQL committed CREATE TABLE b, and the row sqlx writes
				// first: both stay, dirty, as under sqlx; the error says so.
				if err := db.QueryRow("SELECT count(*) FROM b").Scan(&n); err != nil || !me.Committed {
					t.Errorf("MySQL: table b %v, Committed %v; want the table and Committed", err, me.Committed)
				}
				db.Exec("DROP TABLE b")
				db.Exec("DELETE FROM _sqlx_migrations WHERE version = 2")
			} else if err := db.QueryRow("SELECT count(*) FROM b").Scan(&n); err == nil || me.Committed {
				t.Error("the failed migration's first statement was not rolled back")
			}
			// A row with success = false, as a crashed sqlx leaves it.
			db.Exec("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (5, 'x', FALSE, '', 0)")
			if _, err := p.Up(ctx); !errors.Is(err, sqlxmigrate.ErrDirty) {
				t.Errorf("Up on a dirty ledger: %v", err)
			}
			if _, err := p.Status(ctx); !errors.Is(err, sqlxmigrate.ErrDirty) {
				t.Errorf("Status on a dirty ledger: %v", err)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	db, _ := sql.Open("sqlite3", ":memory:")
	defer db.Close()
	dup := fstest.MapFS{
		"migrations/1_a.sql": {Data: []byte("SELECT 1;")},
		"migrations/1_b.sql": {Data: []byte("SELECT 2;")},
	}
	if _, err := sqlxmigrate.New(db, sqlxmigrate.SQLite, dup, sqlxmigrate.Options{}); !errors.Is(err, sqlxmigrate.ErrDuplicate) {
		t.Errorf("duplicate versions: %v", err)
	}
	empty := fstest.MapFS{"migrations/README.md": {Data: []byte("x")}}
	if _, err := sqlxmigrate.New(db, sqlxmigrate.SQLite, empty, sqlxmigrate.Options{}); !errors.Is(err, sqlxmigrate.ErrNoMigrations) {
		t.Errorf("no migrations: %v", err)
	}
	if _, err := sqlxmigrate.New(db, sqlxmigrate.Dialect(9), reversible, sqlxmigrate.Options{}); err == nil {
		t.Error("an unknown dialect was accepted")
	}
}

// A MySQL *sql.DB without multiStatements is refused before anything
// runs, saying what to add: sqlx sends a migration file as one query.
func TestMySQLNeedsMultiStatements(t *testing.T) {
	srv := testdb.MySQL(t)
	name := srv.Fresh(t)
	db, err := sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s:%d)/%s", srv.User, srv.Password, srv.Host, srv.Port, name))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := sqlxmigrate.New(db, sqlxmigrate.MySQL, reversible, sqlxmigrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(context.Background()); err == nil || !strings.Contains(err.Error(), "multiStatements=true") || strings.Contains(err.Error(), srv.Password) {
		t.Fatalf("Up without multiStatements: %v", err)
	}
	var n int
	db.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?", name).Scan(&n)
	if n != 0 {
		t.Errorf("%d tables were made before the refusal", n)
	}
}

// A program that imports sqlxmigrate and modernc's driver links neither
// pgx nor any other driver: sqlxmigrate imports none.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./testdata/sqliteonly").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	deps := string(out)
	if !strings.Contains(deps, "modernc.org/sqlite\n") || !strings.Contains(deps, "github.com/dbprep/dbprep/sqlxmigrate\n") {
		t.Fatalf("go list -deps does not show the program's own imports:\n%s", deps)
	}
	for _, banned := range []string{"github.com/jackc/pgx", "github.com/lib/pq", "github.com/mattn/go-sqlite3", "github.com/go-sql-driver/mysql"} {
		if strings.Contains(deps, banned) {
			t.Errorf("a SQLite-only program links %s", banned)
		}
	}
}

// SkipTo records migrations without running them, with sqlx 0.9's rows
// (success true, execution_time -1); Up then applies only the rest.
func TestProviderSkip(t *testing.T) {
	ctx := context.Background()
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db, d := open(t)
			p, err := sqlxmigrate.New(db, d, reversible, sqlxmigrate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.SkipTo(ctx, 2)
			if err != nil || len(res) != 2 || !res[0].Skipped || !res[1].Skipped || res[1].Version != 2 {
				t.Fatalf("SkipTo(2) = %+v, %v", res, err)
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM _sqlx_migrations WHERE success AND execution_time = -1").Scan(&n); err != nil || n != 2 {
				t.Fatalf("skipped rows: %d, %v", n, err)
			}
			// users was never created: seed (2) was not run either.
			if _, err := db.Exec("INSERT INTO users VALUES ('x')"); err == nil {
				t.Fatal("SkipTo ran migration 1")
			}
			if res, err = p.Up(ctx); err != nil || len(res) != 1 || res[0].Version != 3 || res[0].Skipped {
				t.Fatalf("Up after SkipTo = %+v, %v", res, err)
			}
		})
	}
}

// lines is a Logger that keeps what it is told.
type lines []string

func (l *lines) Printf(format string, args ...any) { *l = append(*l, fmt.Sprintf(format, args...)) }

// What goose's Provider users reach for: HasPending, the current version
// with its dirty state, UpByOne, a logger, and a failure that says what
// was applied before it.
func TestProviderGooseParity(t *testing.T) {
	ctx := context.Background()
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			db, d := open(t)
			var log lines
			p, err := sqlxmigrate.New(db, d, reversible, sqlxmigrate.Options{Logger: &log})
			if err != nil {
				t.Fatal(err)
			}
			if v, dirty, err := p.Version(ctx); v != 0 || dirty || err != nil {
				t.Errorf("Version on a new database = %d, %v, %v", v, dirty, err)
			}
			for want := int64(1); want <= 3; want++ {
				if pending, err := p.HasPending(ctx); !pending || err != nil {
					t.Fatalf("HasPending before %d = %v, %v", want, pending, err)
				}
				r, err := p.UpByOne(ctx)
				if err != nil || r.Version != want {
					t.Fatalf("UpByOne = %+v, %v; want version %d", r, err, want)
				}
				if v, dirty, err := p.Version(ctx); v != want || dirty || err != nil {
					t.Errorf("Version = %d, %v, %v; want %d", v, dirty, err, want)
				}
			}
			if _, err := p.UpByOne(ctx); !errors.Is(err, sqlxmigrate.ErrNoNextVersion) {
				t.Errorf("UpByOne with nothing pending: %v", err)
			}
			if pending, err := p.HasPending(ctx); pending || err != nil {
				t.Errorf("HasPending after all = %v, %v", pending, err)
			}
			if _, err := p.Down(ctx); err != nil {
				t.Fatal(err)
			}
			if len(log) != 4 || !strings.HasPrefix(log[0], "applied 1 users (") || !strings.HasPrefix(log[3], "reverted 3 posts (") {
				t.Errorf("the logger was told:\n%s", strings.Join(log, "\n"))
			}
			// A dirty row above the rest is the version, and dirty.
			db.Exec("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9, 'x', FALSE, '', 0)")
			if v, dirty, err := p.Version(ctx); v != 9 || !dirty || err != nil {
				t.Errorf("Version with a dirty row = %d, %v, %v", v, dirty, err)
			}
			if _, err := p.HasPending(ctx); !errors.Is(err, sqlxmigrate.ErrDirty) {
				t.Errorf("HasPending on a dirty ledger: %v", err)
			}
		})
	}
}
