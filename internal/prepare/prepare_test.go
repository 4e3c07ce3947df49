package prepare

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
	"github.com/dbprep/dbprep/internal/testdb"
)

var ctx = context.Background()

func example(t *testing.T) []migration.Migration {
	t.Helper()
	ms, err := migration.ResolveDir("../../examples/mycrate/migrations", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestPrepareExample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "db.sqlite3")
	sum, err := Prepare(ctx, Config{Migrations: example(t), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	if sum.Applied != 2 || sum.Tables != 2 || sum.Size != int64(len(data)) || sum.SHA256 != hex.EncodeToString(h[:]) {
		t.Errorf("summary %+v (file %d bytes)", sum, len(data))
	}
	if !bytes.HasPrefix(data, []byte("SQLite format 3\x00")) || data[18] != 1 || data[19] != 1 {
		t.Errorf("want a SQLite file in rollback-journal mode; header bytes 18-19 = %d %d", data[18], data[19])
	}
	db := testdb.OpenSQLite(t, out)
	var installed string
	var execTime int64
	if err := db.QueryRow("SELECT installed_on || '', execution_time FROM _sqlx_migrations WHERE version = 20211209212255").Scan(&installed, &execTime); err != nil {
		t.Fatal(err)
	}
	if installed != "1970-01-01 00:00:00" || execTime != 0 {
		t.Errorf("pinned row: %q %d", installed, execTime)
	}
	if _, err := db.Exec("INSERT INTO users (favorite_song, favorite_color) VALUES ('x', 'green')"); err != nil {
		t.Errorf("the prepared schema: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("only the database may be left beside it, found %d entries", len(entries))
	}
}

func TestPrepareReproducible(t *testing.T) {
	ms := example(t)
	a := filepath.Join(t.TempDir(), "a.sqlite3")
	b := filepath.Join(t.TempDir(), "nested", "..", "b.sqlite3")
	os.MkdirAll(filepath.Dir(b), 0o755)
	if _, err := Prepare(ctx, Config{Migrations: ms, Out: a}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // CURRENT_TIMESTAMP has one-second resolution
	if _, err := Prepare(ctx, Config{Migrations: ms, Out: b}); err != nil {
		t.Fatal(err)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatal("two prepares of the same migrations differ")
	}
	c := filepath.Join(t.TempDir(), "c.sqlite3")
	if _, err := Prepare(ctx, Config{Migrations: ms, Out: c, SourceDateEpoch: 1700000000}); err != nil {
		t.Fatal(err)
	}
	if dc, _ := os.ReadFile(c); bytes.Equal(da, dc) {
		t.Error("a different SOURCE_DATE_EPOCH must give a different installed_on")
	}
}

func TestPrepareFailureKeepsOut(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "db.sqlite3")
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	ms := example(t)
	bad := "ALTER TABLE nope ADD x;\n"
	ms = append(ms, migration.Migration{Name: migration.Name{Version: 20250101000000, Description: "bad"},
		File: "migrations/20250101000000_bad.sql", SQL: bad, Checksum: migration.Checksum(bad, nil)})
	// Forced, since "previous" is no database dbprep prepared.
	_, err := Prepare(ctx, Config{Migrations: ms, Out: out, Force: true})
	var ee *store.ExecError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "20250101000000_bad.sql") || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("want an ExecError naming the file and SQLite's message, got %v", err)
	}
	if got, _ := os.ReadFile(out); string(got) != "previous" {
		t.Error("a failed prepare must leave --out as it was")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed prepare left %d entries", len(entries))
	}
}

func TestPrepareRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "db.sqlite3")
	dead := filepath.Join(dir, ".db.sqlite3.dbprep-999999999-abcdef.tmp") // no such pid
	deadJournal := dead + "-journal"
	live := filepath.Join(dir, ".db.sqlite3.dbprep-1-abcdef.tmp") // pid 1 is always alive
	other := filepath.Join(dir, ".other.sqlite3.dbprep-999999999-abcdef.tmp")
	for _, p := range []string{dead, deadJournal, live, other} {
		os.WriteFile(p, []byte("partial"), 0o644)
	}
	if _, err := Prepare(ctx, Config{Migrations: example(t), Out: out}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dead, deadJournal} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s, of a dead run, must be removed", p)
		}
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s must be kept: %v", p, err)
		}
	}
}

func TestPrepareOutIsDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Prepare(ctx, Config{Migrations: example(t), Out: dir})
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("got %v", err)
	}
}
