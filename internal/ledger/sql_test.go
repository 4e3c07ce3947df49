package ledger_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/lib/pq"           // "postgres": not dbprep's own pgx
	_ "github.com/mattn/go-sqlite3" // "sqlite3": not dbprep's own modernc (cgo)

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/store"
	"github.com/dbprep/dbprep/internal/store/storetest"
	"github.com/dbprep/dbprep/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// sqlDB opens a *sql.DB the test closes.
func sqlDB(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newStore(t *testing.T, db *sql.DB, d ledger.Dialect) store.Store {
	t.Helper()
	st, err := ledger.NewSQL(context.Background(), db, d, ledger.SQLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// The behaviour suite every store passes, on a store made from a caller's
// *sql.DB of mattn's cgo SQLite driver.
func TestSQLStoreSQLiteMattn(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Fresh: func(t *testing.T) (func(t *testing.T) store.Store, *sql.DB) {
			path := filepath.Join(t.TempDir(), "db.sqlite3")
			db := sqlDB(t, "sqlite3", "file:"+path+"?_foreign_keys=1&_busy_timeout=30000")
			return func(t *testing.T) store.Store { return newStore(t, db, ledger.SQLite) }, db
		},
		TableExists: storetest.SQLiteTableExists,
		Placeholder: storetest.SQLitePlaceholder,
	})
}

// The same suite on lib/pq, a pure-Go PostgreSQL driver that is not pgx.
func TestSQLStorePostgresLibPQ(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Fresh: func(t *testing.T) (func(t *testing.T) store.Store, *sql.DB) {
			db := sqlDB(t, "postgres", testdb.Postgres(t).Fresh(t))
			return func(t *testing.T) store.Store { return newStore(t, db, ledger.Postgres) }, db
		},
		TableExists: storetest.PostgresTableExists,
		Placeholder: storetest.PostgresPlaceholder,
		Locks:       true,
	})
}

func TestLockKeyVectors(t *testing.T) {
	for name, want := range map[string]int64{"postgres": 368907709894077238, "app": 3469795979745788610} {
		if got := ledger.LockKey(name); got != want {
			t.Errorf("LockKey(%q) = %d, want %d", name, got, want)
		}
	}
}

// DialectOf maps a URL's engine to its dialect: an engine without one is
// an error that names the ones dbprep supports.
func TestDialectOf(t *testing.T) {
	for raw, want := range map[string]ledger.Dialect{"sqlite:db.sqlite3": ledger.SQLite, "postgresql://u@h/d": ledger.Postgres} {
		u, err := dburl.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := ledger.DialectOf(u.Engine); d != want || err != nil || d.Engine() != u.Engine {
			t.Errorf("DialectOf(%s) = %v, %v; want %v", raw, d, err, want)
		}
	}
	_, err := ledger.DialectOf(dburl.URL{}.Engine)
	if !errors.Is(err, dburl.ErrUnsupportedScheme) || !strings.Contains(err.Error(), "sqlite:") || !strings.Contains(err.Error(), "postgres://") {
		t.Errorf("DialectOf(no engine) = %v", err)
	}
}
