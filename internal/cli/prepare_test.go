package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/testdb"
)

// prepare twice under different time zones, working directories, temporary
// directories, umasks and wall clocks gives identical bytes.
func TestPrepareReproducible(t *testing.T) {
	src := project(t, twoMigrations)
	otherCwd := t.TempDir()
	outA := filepath.Join(t.TempDir(), "a.sqlite3")
	outB := filepath.Join(t.TempDir(), "b.sqlite3")

	a := cmd{Dir: src, Env: []string{"TZ=UTC", "TMPDIR=" + t.TempDir()}}
	ra := a.Shell(t, "umask 022; exec", "prepare", "--source", "migrations", "--out", outA)
	ra.Want(t, 0, "Prepared "+outA+": 2 migrations applied, 2 tables")
	time.Sleep(1100 * time.Millisecond) // a second later on the wall clock
	b := cmd{Dir: otherCwd, Env: []string{"TZ=Pacific/Kiritimati", "TMPDIR=" + t.TempDir(), "LC_ALL=C"}}
	rb := b.Shell(t, "umask 077; exec", "prepare", "--source", filepath.Join(src, "migrations"), "--out", outB)
	rb.Want(t, 0)

	da, db := readFile(t, outA), readFile(t, outB)
	if !bytes.Equal(da, db) {
		t.Fatal("prepared databases differ")
	}
	sum := sha256.Sum256(da)
	if !strings.Contains(ra.Stdout, "sha256 "+hex.EncodeToString(sum[:])) {
		t.Errorf("the summary's sha256 is not the file's:\n%s", ra.Stdout)
	}
	for _, tc := range []struct {
		path string
		mode os.FileMode
	}{{outA, 0o644}, {outB, 0o600}} {
		info, _ := os.Stat(tc.path)
		if info.Mode().Perm() != tc.mode {
			t.Errorf("%s has mode %v, want %v (umask respected)", tc.path, info.Mode().Perm(), tc.mode)
		}
	}
}

func TestPrepareSourceDateEpoch(t *testing.T) {
	src := project(t, twoMigrations)
	out := filepath.Join(src, "db.sqlite3")
	cmd{Dir: src, Env: []string{"SOURCE_DATE_EPOCH=1700000000"}}.Run(t, "prepare", "--out", out).Want(t, 0)
	r := cmd{Dir: src, Env: []string{"DATABASE_URL=sqlite:" + out}}.Run(t, "migrate", "info", "--format", "json")
	r.Want(t, 0, `"state": "installed"`)
	cmd{Dir: src, Env: []string{"SOURCE_DATE_EPOCH=yesterday"}}.Run(t, "prepare", "--out", out).
		Want(t, 1, `SOURCE_DATE_EPOCH="yesterday" is not a number`)
}

func TestPrepareErrors(t *testing.T) {
	src := project(t, map[string]string{
		"migrations/1_ok.sql":  "CREATE TABLE a (x);\n",
		"migrations/2_bad.sql": "CREATE TABLE b (x);\nSELEKT 1;\n",
	})
	out := filepath.Join(src, "db.sqlite3")
	r := cmd{Dir: src}.Run(t, "prepare", "--out", out)
	r.Want(t, 1, "while executing migration 2", filepath.Join("migrations", "2_bad.sql"), `near "SELEKT": syntax error`,
		"hint: nothing was written: "+out+" is as it was")
	if strings.Contains(r.Stderr, "earlier migrations stay applied") {
		t.Errorf("prepare's failure carries migrate run's hint:\n%s", r)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed prepare must not leave --out")
	}
	if entries, _ := os.ReadDir(src); len(entries) != 1 {
		t.Errorf("a failed prepare left files behind: %v", entries)
	}
	cmd{Dir: src}.Run(t, "prepare").Want(t, 2, "--out is required")
	cmd{Dir: src}.Run(t, "prepare", "--out", src).Want(t, 1, "is a directory")
	cmd{Dir: src}.Run(t, "prepare", "--source", "nowhere", "--out", out).Want(t, 1, "nowhere", "hint: pass --source")
}

// prepare replaces its own earlier output silently, and refuses anything
// else — a text file, a database it did not prepare — unless --force.
func TestPrepareRefusesToOverwrite(t *testing.T) {
	dir := project(t, twoMigrations)
	c := cmd{Dir: dir}
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("my notes\n"), 0o644)
	c.Run(t, "prepare", "--out", notes).Want(t, 1, "refusing to replace", notes, "is not a SQLite database", "--force")
	if string(readFile(t, notes)) != "my notes\n" {
		t.Error("notes.txt was changed")
	}
	// A development database, made by migrate run: DATABASE_URL=sqlite:app.db
	// then prepare --out app.db.
	dev := filepath.Join(dir, "app.db")
	c.Run(t, "migrate", "run", "-D", "sqlite:"+dev+"?mode=rwc").Want(t, 0)
	before := readFile(t, dev)
	c.Run(t, "prepare", "--out", dev).Want(t, 1, "refusing to replace", "is a SQLite database that dbprep did not prepare")
	if !bytes.Equal(readFile(t, dev), before) {
		t.Error("the development database was changed")
	}
	c.Run(t, "prepare", "--out", dev, "--force").Want(t, 0, "Prepared")
	if b := readFile(t, dev); len(b) < 72 || binary.BigEndian.Uint32(b[68:72]) != 0x64627072 {
		t.Error("a prepared database must carry application_id \"dbpr\"")
	}
	// Its own output, and an empty file (mktemp's), are replaced silently.
	c.Run(t, "prepare", "--out", dev).Want(t, 0, "Prepared")
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	c.Run(t, "prepare", "--out", empty).Want(t, 0, "Prepared")
}

// A --source with no migrations is an error for prepare, naming the
// directory and the migrations/ under it; a warning for migrate run and info.
func TestEmptySource(t *testing.T) {
	dir := project(t, map[string]string{"app/migrations/1_a.sql": "CREATE TABLE a (x);\n", "app/README": "x\n"})
	app := filepath.Join(dir, "app")
	out := filepath.Join(dir, "db.sqlite3")
	cmd{Dir: dir}.Run(t, "prepare", "--source", "app", "--out", out).
		Want(t, 1, "no migrations in app", "did you mean --source "+filepath.Join("app", "migrations")+"?")
	if _, err := os.Stat(out); err == nil {
		t.Error("prepare wrote a database with no migrations")
	}
	for _, args := range [][]string{{"migrate", "run"}, {"migrate", "info"}} {
		r := cmd{Dir: dir}.Run(t, append(args, "--source", app, "-D", "sqlite::memory:")...)
		r.Want(t, 0)
		if !strings.Contains(r.Stderr, "warning: no migrations in "+app) {
			t.Errorf("%v: no warning on stderr:\n%s", args, r)
		}
	}
	cmd{Dir: dir}.Run(t, "migrate", "info", "--source", "nowhere", "-D", "sqlite::memory:").Want(t, 1, "nowhere")
}

// Two prepares two seconds apart in different time zones give the same
// bytes for migrations that read the clock and random(); migrate run on a
// real database keeps the real clock.
func TestPrepareClockPinnedMigrateRunNot(t *testing.T) {
	dir := project(t, map[string]string{
		"migrations/1_t.sql": "CREATE TABLE t(x, ts DEFAULT CURRENT_TIMESTAMP, r);\nINSERT INTO t(x, r) VALUES (1, random());\n",
		"migrations/2_u.sql": "INSERT INTO t(x, r) VALUES (2, hex(randomblob(8)));\n",
	})
	a, b := filepath.Join(dir, "a.sqlite3"), filepath.Join(dir, "b.sqlite3")
	cmd{Dir: dir, Env: []string{"TZ=UTC"}}.Run(t, "prepare", "--out", a, "--check").Want(t, 0, "Prepared")
	time.Sleep(2 * time.Second)
	cmd{Dir: dir, Env: []string{"TZ=Asia/Kolkata"}}.Run(t, "prepare", "--out", b).Want(t, 0, "Prepared")
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Error("two prepares two seconds apart, in two time zones, differ")
	}
	db := filepath.Join(dir, "real.db")
	cmd{Dir: dir}.Run(t, "migrate", "run", "-D", "sqlite:"+db+"?mode=rwc").Want(t, 0, "Applied 2/migrate u")
	var out string
	if err := testdb.OpenSQLite(t, db).QueryRow("SELECT ts FROM t WHERE x = 1").Scan(&out); err != nil {
		t.Fatal(err)
	}
	ts, err := time.Parse("2006-01-02 15:04:05", out)
	if err != nil || time.Since(ts) > time.Minute || time.Since(ts) < -time.Minute {
		t.Errorf("migrate run's CURRENT_TIMESTAMP = %q, want the real time", out)
	}
}

// As root (CI containers are), --out never replaces a device, FIFO, link
// or directory: prepare refuses a device or FIFO, schema writes into it as
// shell redirection does, and both follow a link to the file it names.
func TestOutNeverReplacesWhatDbprepDidNotCreate(t *testing.T) {
	dir := project(t, map[string]string{"migrations/1_a.sql": "CREATE TABLE a (x);\n"})
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mknod (CI runs as root): %v", err)
		}
		t.Skipf("mknod needs root: %v", err)
	}
	isDevice := func() {
		t.Helper()
		if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("the device node was replaced: %v %v", fi.Mode(), err)
		}
	}
	cmd{Dir: dir}.Run(t, "prepare", "--out", null).Want(t, 1, "--out "+null+" is a character device")
	isDevice()
	cmd{Dir: dir}.Run(t, "prepare", "--out", null, "--force").Want(t, 1, "is a character device")
	isDevice()
	cmd{Dir: dir}.Run(t, "prepare", "--out", "db.sqlite3").Want(t, 0)
	cmd{Dir: dir}.Run(t, "schema", "-D", "sqlite:db.sqlite3", "--out", null).Want(t, 0)
	isDevice()

	// A link: its target is replaced, the link stays.
	os.Symlink("real.sqlite3", filepath.Join(dir, "link.sqlite3"))
	cmd{Dir: dir}.Run(t, "prepare", "--out", "link.sqlite3").Want(t, 0)
	if fi, err := os.Lstat(filepath.Join(dir, "link.sqlite3")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "real.sqlite3")); err != nil {
		t.Fatal("prepare did not write the link's target")
	}
	os.Symlink("schema.sql", filepath.Join(dir, "schema-link.sql"))
	cmd{Dir: dir}.Run(t, "schema", "-D", "sqlite:db.sqlite3", "--out", "schema-link.sql").Want(t, 0)
	if b, err := os.ReadFile(filepath.Join(dir, "schema.sql")); err != nil || !strings.Contains(string(b), "CREATE TABLE a") {
		t.Errorf("schema.sql: %q %v", b, err)
	}
	if fi, _ := os.Lstat(filepath.Join(dir, "schema-link.sql")); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("schema replaced the link")
	}
	// Directories, missing directories: named, never the temporary file.
	os.Mkdir(filepath.Join(dir, "sdir"), 0o755)
	r := cmd{Dir: dir}.Run(t, "schema", "-D", "sqlite:db.sqlite3", "--out", "sdir")
	r.Want(t, 1, "--out sdir is a directory")
	r = cmd{Dir: dir}.Run(t, "prepare", "--out", "newdir/x.sqlite3")
	r.Want(t, 1, "--out newdir/x.sqlite3: the directory newdir does not exist")
	if strings.Contains(r.Stderr, ".tmp") {
		t.Errorf("the error names a temporary file:\n%s", r)
	}
}
