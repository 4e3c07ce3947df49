package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	r.Want(t, 1, "while executing migration 2", filepath.Join("migrations", "2_bad.sql"), `near "SELEKT": syntax error`, "hint:")
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
