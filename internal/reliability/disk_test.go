package reliability

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

const bigInsert = "CREATE TABLE blob (x TEXT);\n" +
	"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2000)\n" +
	"INSERT INTO blob SELECT printf('%.2000c', 'x') FROM s;\n"

// A file-size limit (ulimit -f) hit during a migration: a clear error, the
// database as it was, and with the limit lifted a re-run succeeds.
func TestFileSizeLimit(t *testing.T) {
	dir := testbin.Project(t, map[string]string{"migrations/1_init.sql": initSQL})
	c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
	c.Run(t, "database", "setup", "--sqlite-create-db-wal=false").Want(t, 0)
	os.WriteFile(filepath.Join(dir, "migrations/2_big.sql"), []byte(bigInsert), 0o644)
	before, _ := os.ReadFile(filepath.Join(dir, "db.sqlite3"))
	r := c.Shell(t, "ulimit -f 256; exec", "migrate", "run")
	r.Want(t, 1, "while executing migration 2", "2_big.sql", "the disk may be full")
	after, _ := os.ReadFile(filepath.Join(dir, "db.sqlite3"))
	if !bytes.Equal(before, after) {
		t.Error("the database changed")
	}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 2/migrate big")

	out := filepath.Join(dir, "prepared.sqlite3")
	c.Shell(t, "ulimit -f 256; exec", "prepare", "--out", out).Want(t, 1)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a prepare that hit the limit must not leave --out")
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, ".prepared.sqlite3*")); len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// A full disk (a 2 MB tmpfs, where the tests may mount one).
func TestDiskFull(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); TestFileSizeLimit covers the same path", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	dir := filepath.Join(mnt, "p")
	os.MkdirAll(filepath.Join(dir, "migrations"), 0o755)
	os.WriteFile(filepath.Join(dir, "migrations/1_init.sql"), []byte(initSQL), 0o644)
	c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
	c.Run(t, "database", "setup", "--sqlite-create-db-wal=false").Want(t, 0)
	os.WriteFile(filepath.Join(dir, "migrations/2_big.sql"), []byte(bigInsert+bigInsert[len("CREATE TABLE blob (x TEXT);\n"):]), 0o644)
	before, _ := os.ReadFile(filepath.Join(dir, "db.sqlite3"))
	c.Run(t, "migrate", "run").Want(t, 1, "while executing migration 2", "full")
	after, _ := os.ReadFile(filepath.Join(dir, "db.sqlite3"))
	if !bytes.Equal(before, after) {
		t.Error("the database changed")
	}
	c.Run(t, "migrate", "check").Want(t, 3, "pending: 2 big")
}
