// Package testdb gives tests real databases: SQLite files in temporary
// directories and (see postgres.go) a throwaway PostgreSQL server.
package testdb

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"

	_ "modernc.org/sqlite" // the "sqlite" driver for inspection handles
)

// SQLiteFile returns the URL options of a new, not yet existing database
// file in a temporary directory, and the file's path.
func SQLiteFile(t testing.TB) (dburl.SQLiteOptions, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.sqlite3")
	return dburl.SQLiteOptions{Path: path, Mode: "rw"}, path
}

// OpenSQLite opens path for inspection with database/sql; closed with the test.
func OpenSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
