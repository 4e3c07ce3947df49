package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/sqlxmigrate"
)

// TestQueryAgainstDatabaseURL checks the application's query against the
// schema of DATABASE_URL when it is set: in the Nix build, the prepared
// database the flake links in.
func TestQueryAgainstDatabaseURL(t *testing.T) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Skip("DATABASE_URL is not set; TestRun covers a fresh database")
	}
	db, err := sqlxmigrate.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := greenUsers(context.Background(), db); err != nil {
		t.Fatalf("the query does not fit the schema at %s: %v", url, err)
	}
	t.Logf("query checked against %s", url)
}

func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite3")
	t.Setenv("DATABASE_URL", "sqlite:"+path)
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "number of users: 0\n" {
		t.Errorf("first run printed %q", out.String())
	}
	db, err := sqlxmigrate.Open("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO users (favorite_song, favorite_color) VALUES ('a', 'green'), ('b', 'green'), ('c', 'blue')"); err != nil {
		t.Fatal(err)
	}
	var ledger int
	// Portable SQL: dbprep vet checks these queries too, against SQLite or
	// PostgreSQL, whichever DATABASE_URL the build gives it.
	db.QueryRow("SELECT count(*) FROM _sqlx_migrations WHERE success AND length(checksum) = 48").Scan(&ledger)
	db.Close()
	if ledger != 2 {
		t.Errorf("ledger rows = %d, want 2", ledger)
	}
	out.Reset()
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "number of users: 2\n" {
		t.Errorf("second run printed %q", out.String())
	}
}

func TestRunRefusesEditedMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite3")
	t.Setenv("DATABASE_URL", "sqlite:"+path)
	if err := run(context.Background(), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	db, _ := sqlxmigrate.Open("sqlite:" + path)
	db.Exec("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 20211209212234", []byte{0})
	db.Close()
	err := run(context.Background(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "migration 20211209212234 was previously applied but has been modified") {
		t.Errorf("got %v", err)
	}
}
