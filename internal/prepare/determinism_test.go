package prepare

import (
	"bytes"
	"database/sql/driver"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"modernc.org/sqlite"

	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/testdb"
)

// clockAndRandom is every common shape that reads SQLite's clock or its
// randomness: defaults, seed rows, a trigger that fires in a later
// migration, randomblob ids, and 'localtime'.
var clockAndRandom = map[string]string{
	"1_clock.sql": `CREATE TABLE t(x, ts DEFAULT CURRENT_TIMESTAMP, d DEFAULT CURRENT_DATE, tm DEFAULT CURRENT_TIME, r);
INSERT INTO t(x, r) VALUES (1, random());
CREATE TABLE stamps(id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))), what, at, jd, epoch, local, fmt);
CREATE TRIGGER stamp AFTER INSERT ON t BEGIN
  INSERT INTO stamps(what, at, jd, epoch, local, fmt)
  VALUES (NEW.x, datetime('now'), julianday('now'), unixepoch(), datetime('now', 'localtime'), strftime('%Y %H:%M:%f', 'now'));
END;
`,
	"2_later.sql": `INSERT INTO t(x, r) VALUES (2, random());
INSERT INTO stamps(what, at) VALUES ('date', date('now'));
CREATE VIEW v AS SELECT x, ts FROM t;
`,
}

func resolve(t *testing.T, files map[string]string) []migration.Migration {
	t.Helper()
	dir := t.TempDir()
	for name, sql := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(sql), 0o644)
	}
	ms, err := migration.ResolveDir(dir, migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// The same bytes whatever the time zone, and every stamp reads
// SOURCE_DATE_EPOCH; --check agrees.
func TestPrepareClockAndRandomPinned(t *testing.T) {
	ms := resolve(t, clockAndRandom)
	const epoch = 1700000000 // 2023-11-14 22:13:20 UTC
	var files [][]byte
	for _, tz := range []string{"UTC", "America/Los_Angeles", "Asia/Kolkata"} {
		t.Setenv("TZ", tz)
		out := filepath.Join(t.TempDir(), "db.sqlite3")
		if _, err := Prepare(ctx, Config{Migrations: ms, Out: out, SourceDateEpoch: epoch, Check: true}); err != nil {
			t.Fatalf("TZ=%s: %v", tz, err)
		}
		data, _ := os.ReadFile(out)
		files = append(files, data)
	}
	for i := range files[1:] {
		if !bytes.Equal(files[0], files[i+1]) {
			t.Errorf("build %d differs from build 0", i+1)
		}
	}
	out := filepath.Join(t.TempDir(), "db.sqlite3")
	os.WriteFile(out, files[0], 0o644)
	db := testdb.OpenSQLite(t, out)
	var ts, d, tm, at, local, fmtd, date string
	var epochCol int64
	if err := db.QueryRow("SELECT ts, d, tm FROM t WHERE x = 2").Scan(&ts, &d, &tm); err != nil {
		t.Fatal(err)
	}
	if ts != "2023-11-14 22:13:20" || d != "2023-11-14" || tm != "22:13:20" {
		t.Errorf("defaults: %q %q %q", ts, d, tm)
	}
	if err := db.QueryRow("SELECT at, epoch, local, fmt FROM stamps WHERE what = 2").Scan(&at, &epochCol, &local, &fmtd); err != nil {
		t.Fatal(err)
	}
	if at != ts || epochCol != epoch || local != ts || fmtd != "2023 22:13:20.000" {
		t.Errorf("trigger stamps: %q %d %q %q", at, epochCol, local, fmtd)
	}
	if err := db.QueryRow("SELECT at FROM stamps WHERE what = 'date'").Scan(&date); err != nil || date != "2023-11-14" {
		t.Errorf("date('now') = %q %v", date, err)
	}
	var ids, rows int
	db.QueryRow("SELECT count(DISTINCT id), count(*) FROM stamps WHERE length(id) = 32").Scan(&ids, &rows)
	if ids != 2 || rows != 2 {
		t.Errorf("randomblob ids: %d distinct of %d", ids, rows)
	}
}

// A non-determinism nobody pinned (here a function that counts its calls)
// is caught by Check, named, and nothing is written.
func TestPrepareCheckCatchesNonDeterminism(t *testing.T) {
	var n atomic.Int64
	err := sqlite.RegisterScalarFunction("dbprep_test_counter", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		return n.Add(1), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ms := resolve(t, map[string]string{
		"1_a.sql": "CREATE TABLE steady(x);\nINSERT INTO steady VALUES (1);\nCREATE TABLE drifting(n);\nINSERT INTO drifting VALUES (dbprep_test_counter());\n",
	})
	out := filepath.Join(t.TempDir(), "db.sqlite3")
	_, err = Prepare(ctx, Config{Migrations: ms, Out: out, Check: true})
	if !errors.Is(err, ErrNotReproducible) || !strings.Contains(err.Error(), "table drifting") || strings.Contains(err.Error(), "steady") {
		t.Fatalf("want ErrNotReproducible naming drifting alone, got %v", err)
	}
	if _, statErr := os.Stat(out); statErr == nil {
		t.Error("a build that failed its check was written")
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
	// Without Check the same migrations prepare (the check is what finds it).
	if _, err := Prepare(ctx, Config{Migrations: ms, Out: out}); err != nil {
		t.Fatal(err)
	}
}
