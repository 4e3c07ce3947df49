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

	a := cmd{dir: src, env: []string{"TZ=UTC", "TMPDIR=" + t.TempDir()}}
	ra := a.shell(t, "umask 022; exec", "prepare", "--source", "migrations", "--out", outA)
	ra.want(t, 0, "Prepared "+outA+": 2 migrations applied, 2 tables")
	time.Sleep(1100 * time.Millisecond) // a second later on the wall clock
	b := cmd{dir: otherCwd, env: []string{"TZ=Pacific/Kiritimati", "TMPDIR=" + t.TempDir(), "LC_ALL=C"}}
	rb := b.shell(t, "umask 077; exec", "prepare", "--source", filepath.Join(src, "migrations"), "--out", outB)
	rb.want(t, 0)

	da, db := readFile(t, outA), readFile(t, outB)
	if !bytes.Equal(da, db) {
		t.Fatal("prepared databases differ")
	}
	sum := sha256.Sum256(da)
	if !strings.Contains(ra.stdout, "sha256 "+hex.EncodeToString(sum[:])) {
		t.Errorf("the summary's sha256 is not the file's:\n%s", ra.stdout)
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
	cmd{dir: src, env: []string{"SOURCE_DATE_EPOCH=1700000000"}}.run(t, "prepare", "--out", out).want(t, 0)
	r := cmd{dir: src, env: []string{"DATABASE_URL=sqlite:" + out}}.run(t, "migrate", "info", "--format", "json")
	r.want(t, 0, `"state": "installed"`)
	cmd{dir: src, env: []string{"SOURCE_DATE_EPOCH=yesterday"}}.run(t, "prepare", "--out", out).
		want(t, 1, `SOURCE_DATE_EPOCH="yesterday" is not a number`)
}

func TestPrepareErrors(t *testing.T) {
	src := project(t, map[string]string{
		"migrations/1_ok.sql":  "CREATE TABLE a (x);\n",
		"migrations/2_bad.sql": "CREATE TABLE b (x);\nSELEKT 1;\n",
	})
	out := filepath.Join(src, "db.sqlite3")
	r := cmd{dir: src}.run(t, "prepare", "--out", out)
	r.want(t, 1, "while executing migration 2", filepath.Join("migrations", "2_bad.sql"), `near "SELEKT": syntax error`, "hint:")
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed prepare must not leave --out")
	}
	if entries, _ := os.ReadDir(src); len(entries) != 1 {
		t.Errorf("a failed prepare left files behind: %v", entries)
	}
	cmd{dir: src}.run(t, "prepare").want(t, 2, "--out is required")
	cmd{dir: src}.run(t, "prepare", "--out", src).want(t, 1, "is a directory")
	cmd{dir: src}.run(t, "prepare", "--source", "nowhere", "--out", out).want(t, 1, "nowhere", "hint: pass --source")
}
