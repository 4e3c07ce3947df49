package migration

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dbprep/dbprep/internal/testbin"
)

func writeFiles(t *testing.T, files map[string]string) string { return testbin.Project(t, files) }

// summary renders migrations as "version/type/description;..." for comparison.
func summary(ms []Migration) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%d/%s/%s", m.Version, m.Type, m.Description))
	}
	return strings.Join(parts, ";")
}

func TestResolveDir(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"20211209212255_second.sql": "ALTER TABLE users ADD favorite_color TEXT;\n",
		"20211209212234_first.sql":  "CREATE TABLE users (favorite_song TEXT);\n",
		"3_pair.up.sql":             "CREATE TABLE p (x);\n",
		"3_pair.down.sql":           "DROP TABLE p;\n",
		"README.md":                 "# notes",
		"foo.sql":                   "ignored: no underscore",
		"1_upper.SQL":               "ignored: .SQL",
		"sub/1_nested.sql":          "ignored: subdirectories are not read",
		"sub/not_a_version.sql":     "ignored: subdirectories are not read",
		"0002_leading_zeros.sql":    "SELECT 2;",
		"5_crlf.sql":                "SELECT 5;\r\n",
		"6_bom.sql":                 "\uFEFFSELECT 6;\n",
		"7_notx.sql":                "-- no-transaction\nSELECT 7;\n",
		"8_bom_notx.sql":            "\uFEFF-- no-transaction\nSELECT 8;\n",
		"-1_negative.sql":           "SELECT -1;",
	})
	ms, err := ResolveDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := summary(ms)
	// The up/down pair keeps read_dir's (name) order under the stable sort.
	want := "-1/simple/negative;2/simple/leading zeros;3/up/pair;3/down/pair;5/simple/crlf;6/simple/bom;7/simple/notx;8/simple/bom notx;" +
		"20211209212234/simple/first;20211209212255/simple/second"
	if got != want {
		t.Fatalf("resolved\n got %s\nwant %s", got, want)
	}
	byVersion := map[int64]Migration{}
	for _, m := range ms {
		byVersion[m.Version] = m
	}
	load := func(v int64) string {
		m := byVersion[v]
		sql, err := m.Load()
		if err != nil || m.SQL != "" {
			t.Fatalf("Load %d: %v; SQL kept: %q", v, err, m.SQL)
		}
		return sql
	}
	if sql := load(5); sql != "SELECT 5;\r\n" || string(byVersion[5].Checksum) != string(Checksum("SELECT 5;\r\n", nil)) {
		t.Errorf("CRLF must be kept verbatim: %q", sql)
	}
	if sql := load(6); !strings.HasPrefix(sql, "\uFEFF") {
		t.Errorf("BOM must be kept: %q", sql)
	}
	if !byVersion[7].NoTx || byVersion[8].NoTx || byVersion[6].NoTx {
		t.Errorf("NoTx: 7=%v 8=%v 6=%v, want true false false", byVersion[7].NoTx, byVersion[8].NoTx, byVersion[6].NoTx)
	}
	if f := byVersion[20211209212234].File; f != filepath.Join(dir, "20211209212234_first.sql") {
		t.Errorf("File = %s", f)
	}
}

func TestResolveSymlinks(t *testing.T) {
	dir := writeFiles(t, map[string]string{"target/real.sql": "SELECT 1;\n"})
	mig := filepath.Join(dir, "migrations")
	if err := os.Mkdir(mig, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "target/real.sql"), filepath.Join(mig, "1_linked.sql")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "target"), filepath.Join(mig, "2_dir_link.sql")); err != nil {
		t.Fatal(err)
	}
	ms, err := ResolveDir(mig, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(ms); got != "1/simple/linked" {
		t.Fatalf("got %s: a symlinked file is a migration, a symlinked directory is skipped", got)
	}

	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(mig, ".#lock")); err != nil {
		t.Fatal(err)
	}
	_, err = ResolveDir(mig, Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(mig, ".#lock")) || !strings.Contains(err.Error(), "dangling symlink") {
		t.Fatalf("a dangling symlink must fail the whole directory naming it, got %v", err)
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"non-integer prefix", map[string]string{"1_ok.sql": "", "seed_data.sql": ""}, []string{"seed_data.sql", "expected integer version prefix"}},
		{"overflow", map[string]string{"99999999999999999999_big.sql": ""}, []string{"99999999999999999999_big.sql"}},
		{"invalid utf-8", map[string]string{"1_latin1.sql": "SELECT 'caf\xe9';"}, []string{"1_latin1.sql", "valid UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := ResolveDir(dir, Options{})
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestResolveNotADirectory(t *testing.T) {
	dir := writeFiles(t, map[string]string{"file": "x"})
	_, err := ResolveDir(filepath.Join(dir, "file"), Options{})
	if !errors.Is(err, ErrNotDir) {
		t.Errorf("a file as the source: got %v", err)
	}
	_, err = ResolveDir(filepath.Join(dir, "missing"), Options{})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(dir, "missing")) {
		t.Errorf("a missing source: got %v", err)
	}
}

func TestResolveFS(t *testing.T) {
	fsys := fstest.MapFS{
		"db/migrations/2_b.sql":   {Data: []byte("SELECT 2;")},
		"db/migrations/1_a.sql":   {Data: []byte("SELECT 1;")},
		"db/migrations/x/3_c.sql": {Data: []byte("SELECT 3;")},
	}
	ms, err := Resolve(fsys, "db/migrations", Options{IgnoredChars: []rune{';'}})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(ms); got != "1/simple/a;2/simple/b" {
		t.Fatalf("got %s", got)
	}
	if ms[0].File != "db/migrations/1_a.sql" || string(ms[0].Checksum) != string(Checksum("SELECT 1", nil)) {
		t.Errorf("File %s, checksum must ignore ';'", ms[0].File)
	}
}

// Migrations are sorted by version, then type (simple, up, down), as sqlx
// 0.9 sorts them (#4136): the directory lists 1_a.down.sql before
// 1_a.up.sql, the result has the up file first.
func TestResolveOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"m/2_b.up.sql":    {Data: []byte("SELECT 2;")},
		"m/2_b.down.sql":  {Data: []byte("SELECT -2;")},
		"m/1_a.down.sql":  {Data: []byte("SELECT -1;")},
		"m/1_a.up.sql":    {Data: []byte("SELECT 1;")},
		"m/1_same.sql":    {Data: []byte("SELECT 1;")},
		"m/10_c.down.sql": {Data: []byte("SELECT -10;")},
		"m/10_c.up.sql":   {Data: []byte("SELECT 10;")},
	}
	ms, err := Resolve(fsys, "m", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.File)
	}
	want := []string{"m/1_same.sql", "m/1_a.up.sql", "m/1_a.down.sql", "m/2_b.up.sql", "m/2_b.down.sql", "m/10_c.up.sql", "m/10_c.down.sql"}
	if !slices.Equal(got, want) {
		t.Errorf("order %q\nwant  %q", got, want)
	}
}
