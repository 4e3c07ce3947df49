package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
	"github.com/dbprep/dbprep/internal/store/storetest"
	"github.com/dbprep/dbprep/internal/testdb"
)

var ctx = context.Background()

func openSQLite(t *testing.T, u dburl.SQLiteOptions, opts store.Options) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(ctx, sqlite.Config{URL: u, Create: true, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func sqliteHarness() storetest.Harness {
	return storetest.Harness{
		Fresh: func(t *testing.T) (func(t *testing.T) store.Store, *sql.DB) {
			u, path := testdb.SQLiteFile(t)
			open := func(t *testing.T) store.Store { return openSQLite(t, u, store.Options{}) }
			open(t) // create the file before the inspection handle opens it
			return open, testdb.OpenSQLite(t, path)
		},
		TableExists: storetest.SQLiteTableExists,
		Placeholder: storetest.SQLitePlaceholder,
	}
}

func TestSQLiteSuite(t *testing.T) { storetest.Run(t, sqliteHarness()) }

// The ledger as sqlx writes it: schema text, storage classes, values.
func TestSQLiteLedgerExactly(t *testing.T) {
	u, path := testdb.SQLiteFile(t)
	st := openSQLite(t, u, store.Options{})
	m := storetest.ApplyOne(t, st, "CREATE TABLE users (favorite_song TEXT);\n")
	db := testdb.OpenSQLite(t, path)

	var schema string
	if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE name = '_sqlx_migrations'").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	want := "CREATE TABLE _sqlx_migrations (\n    version BIGINT PRIMARY KEY,\n    description TEXT NOT NULL,\n" +
		"    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    success BOOLEAN NOT NULL,\n" +
		"    checksum BLOB NOT NULL,\n    execution_time BIGINT NOT NULL\n)"
	if schema != want {
		t.Errorf("sqlite_master.sql =\n%q\nwant\n%q", schema, want)
	}
	var autoindex int
	db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex__sqlx_migrations_1'").Scan(&autoindex)
	if autoindex != 1 {
		t.Error("BIGINT PRIMARY KEY must give sqlite_autoindex__sqlx_migrations_1, as with sqlx")
	}

	var types, desc, installed string
	var success, execTime int64
	var sum []byte
	err := db.QueryRow(`SELECT typeof(version)||','||typeof(description)||','||typeof(installed_on)||','||typeof(success)||','||typeof(checksum)||','||typeof(execution_time),
		description, installed_on || '', success, checksum, execution_time FROM _sqlx_migrations`).Scan(&types, &desc, &installed, &success, &sum, &execTime)
	if err != nil {
		t.Fatal(err)
	}
	if types != "integer,text,text,integer,blob,integer" {
		t.Errorf("storage classes %s", types)
	}
	if desc != "first" || success != 1 || string(sum) != string(m.Checksum) || execTime <= 0 {
		t.Errorf("row: %q success=%d checksum=%x execution_time=%d", desc, success, sum, execTime)
	}
	when, err := time.Parse(time.DateTime, installed)
	if err != nil || time.Since(when) > time.Minute || time.Since(when) < -time.Minute {
		t.Errorf("installed_on %q must be CURRENT_TIMESTAMP (UTC, YYYY-MM-DD HH:MM:SS)", installed)
	}
}

func TestSQLitePinnedRow(t *testing.T) {
	u, path := testdb.SQLiteFile(t)
	pin := time.Unix(1700000000, 0)
	st := openSQLite(t, u, store.Options{Pin: &pin})
	storetest.ApplyOne(t, st, "SELECT 1;")
	var installed string
	var execTime int64
	var types string
	err := testdb.OpenSQLite(t, path).QueryRow("SELECT installed_on || '', execution_time, typeof(installed_on) FROM _sqlx_migrations").Scan(&installed, &execTime, &types)
	if err != nil {
		t.Fatal(err)
	}
	if installed != "2023-11-14 22:13:20" || execTime != 0 || types != "text" {
		t.Errorf("pinned row: installed_on %q (%s), execution_time %d", installed, types, execTime)
	}
}

func TestSQLiteForeignKeysOn(t *testing.T) {
	u, _ := testdb.SQLiteFile(t)
	st := openSQLite(t, u, store.Options{})
	if err := st.EnsureLedger(ctx); err != nil {
		t.Fatal(err)
	}
	m := migration.Migration{Name: migration.Name{Version: 1, Description: "fk"}, File: "1_fk.sql",
		SQL: "CREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p INTEGER REFERENCES p(id));\nINSERT INTO c VALUES (42);\n"}
	m.Checksum = migration.Checksum(m.SQL, nil)
	_, err := st.Apply(ctx, &m, nil)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("foreign_keys must be on as in sqlx; got %v", err)
	}
}

func TestSQLiteCustomTable(t *testing.T) {
	u, path := testdb.SQLiteFile(t)
	st := openSQLite(t, u, store.Options{Table: "my_ledger"})
	storetest.ApplyOne(t, st, "SELECT 1;")
	var n int
	if err := testdb.OpenSQLite(t, path).QueryRow("SELECT count(*) FROM my_ledger").Scan(&n); err != nil || n != 1 {
		t.Errorf("custom ledger table: %d %v", n, err)
	}
}

func TestSQLiteOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := sqlite.Open(ctx, sqlite.Config{URL: dburl.SQLiteOptions{Path: filepath.Join(dir, "none.db"), Mode: "rw"}})
	if !errors.Is(err, store.ErrNoDatabase) || !strings.Contains(err.Error(), "mode=rwc") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Error("mode=rw must not create the file")
	}
	notDB := filepath.Join(dir, "text.db")
	os.WriteFile(notDB, []byte(strings.Repeat("this is not a database\n", 100)), 0o644)
	st, err := sqlite.Open(ctx, sqlite.Config{URL: dburl.SQLiteOptions{Path: notDB, Mode: "rw"}})
	if err == nil {
		err = st.EnsureLedger(ctx)
		st.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "not a database") {
		t.Errorf("a text file as database: %v", err)
	}
}

func TestSQLiteMemory(t *testing.T) {
	st := openSQLite(t, dburl.SQLiteOptions{Memory: true, Mode: "rw"}, store.Options{})
	storetest.ApplyOne(t, st, "CREATE TABLE m (x);")
	rows, err := st.Applied(ctx)
	if err != nil || len(rows) != 1 {
		t.Errorf("in-memory store keeps its data across statements: %v %v", rows, err)
	}
}

// SQLite accepts a file that starts with a UTF-8 BOM (PostgreSQL does not).
func TestSQLiteBOM(t *testing.T) {
	u, path := testdb.SQLiteFile(t)
	st := openSQLite(t, u, store.Options{})
	storetest.ApplyOne(t, st, "\uFEFFCREATE TABLE bom (x INTEGER);\r\n")
	var n int
	if err := testdb.OpenSQLite(t, path).QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'bom'").Scan(&n); err != nil || n != 1 {
		t.Errorf("table from a BOM file: %d %v", n, err)
	}
}

// "-- no-transaction" on SQLite: ignored as in sqlx 0.8 unless SQLiteNoTx
// (sqlx 0.9), which runs such a migration, and its revert, on their own.
func TestSQLiteNoTransaction(t *testing.T) {
	up := migration.Migration{Name: migration.Name{Version: 1, Type: migration.ReversibleUp, Description: "v"},
		File: "1_v.up.sql", SQL: "-- no-transaction\nCREATE TABLE v (x);\nVACUUM;\n", NoTx: true}
	up.Checksum = migration.Checksum(up.SQL, nil)
	down := up
	down.Type, down.File, down.SQL = migration.ReversibleDown, "1_v.down.sql", "-- no-transaction\nDROP TABLE v;\nVACUUM;\n"
	for _, noTx := range []bool{false, true} {
		u, path := testdb.SQLiteFile(t)
		st := openSQLite(t, u, store.Options{SQLiteNoTx: noTx})
		if err := st.EnsureLedger(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := st.Apply(ctx, &up, nil)
		if !noTx {
			if err == nil || !strings.Contains(err.Error(), "cannot VACUUM from within a transaction") {
				t.Errorf("sqlx 0.8 semantics: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("sqlx 0.9 semantics: %v", err)
		}
		if _, err := st.Apply(ctx, &up, nil); !errors.Is(err, store.ErrAlreadyApplied) {
			t.Errorf("a second apply: %v", err)
		}
		if _, err := st.Revert(ctx, &down, nil); err != nil {
			t.Fatalf("no-transaction revert: %v", err)
		}
		var n int
		testdb.OpenSQLite(t, path).QueryRow("SELECT count(*) FROM _sqlx_migrations").Scan(&n)
		if n != 0 {
			t.Errorf("%d rows after the revert", n)
		}
	}
}

// The connection settings docs/guarantees.md promises: sqlx's foreign_keys = ON and
// a 30 s busy timeout, so a second writer waits instead of failing.
func TestSQLiteConnectionSettings(t *testing.T) {
	u, _ := testdb.SQLiteFile(t)
	st := openSQLite(t, u, store.Options{})
	var fk, busy int
	if err := sqlite.Conn(st).QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.Conn(st).QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if fk != 1 || busy != int(sqlite.DefaultBusyTimeout.Milliseconds()) || busy != 30000 {
		t.Errorf("foreign_keys = %d, busy_timeout = %d ms; want 1 and 30000", fk, busy)
	}
}
