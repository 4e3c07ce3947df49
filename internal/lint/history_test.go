package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// History against a release: each rule found, at its file, and what it
// must not report (a down file edited, a new migration after the newest,
// an unchanged one).
func TestHistory(t *testing.T) {
	released := fstest.MapFS{
		"10_users.sql":       {Data: []byte("CREATE TABLE users (id INTEGER);\n")},
		"20_posts.sql":       {Data: []byte("CREATE TABLE posts (id INTEGER);\n")},
		"30_tags.up.sql":     {Data: []byte("CREATE TABLE tags (id INTEGER);\n")},
		"30_tags.down.sql":   {Data: []byte("DROP TABLE tags;\n")},
		"40_crlf.sql":        {Data: []byte("CREATE TABLE crlf (id INTEGER);\n")},
		"50_gone.sql":        {Data: []byte("CREATE TABLE gone (id INTEGER);\n")},
		"60_named.sql":       {Data: []byte("CREATE TABLE named (id INTEGER);\n")},
		"100_newest.sql":     {Data: []byte("CREATE TABLE newest (id INTEGER);\n")},
		"70_allowed.sql":     {Data: []byte("CREATE TABLE allowed (id INTEGER);\n")},
		"README.md":          {Data: []byte("not a migration\n")},
		"80_same.sql":        {Data: []byte("SELECT 1;\n")},
		"90_also_same.sql":   {Data: []byte("SELECT 2;\n")},
		"200_skipped.sql.gz": {Data: []byte("x")},
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"10_users.sql":           "CREATE TABLE users (id INTEGER, name TEXT);\n", // edited
		"20_posts.sql":           "CREATE TABLE posts (id INTEGER);\n",
		"30_tags.up.sql":         "CREATE TABLE tags (id INTEGER);\n",
		"30_tags.down.sql":       "DROP TABLE IF EXISTS tags;\n", // a down file: not checksummed
		"40_crlf.sql":            "CREATE TABLE crlf (id INTEGER);\r\n",
		"60_renamed.sql":         "CREATE TABLE named (id INTEGER);\n",
		"70_allowed.sql":         "-- dbprep:allow edited the column was never used in production\nCREATE TABLE allowed (id BIGINT);\n",
		"80_same.sql":            "SELECT 1;\n",
		"90_also_same.sql":       "SELECT 2;\n",
		"100_newest.sql":         "CREATE TABLE newest (id INTEGER);\n",
		"55_late.sql":            "CREATE TABLE late (id INTEGER);\n", // new, before 10
		"75_late_allowed.up.sql": "-- dbprep:allow out-of-order\nCREATE TABLE late2 (id INTEGER);\n",
		"110_after.sql":          "CREATE TABLE after (id INTEGER);\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := History(Released{Name: "v1", FS: released, Restore: func(p string) string { return "git checkout v1 -- " + p }}, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		file, rule string
		severity   Severity
		line       int
		says       string
	}{
		{"10_users.sql", "edited", Error, 1, "migration 10 (users) was released at v1 and has been edited since"},
		{"40_crlf.sql", "edited", Error, 1, "only in line endings or a byte-order mark"},
		{"50_gone.sql", "removed", Error, 0, "restore it (git checkout v1 -- " + filepath.Join(dir, "50_gone.sql") + ")"},
		{"55_late.sql", "out-of-order", Error, 1, "migration 55 is new since v1 but sorts before 100 (newest)"},
		{"60_renamed.sql", "renamed", Warning, 0, `released at v1 described "named", now "renamed"`},
		{"70_allowed.sql", "edited", Allowed, 1, "allowed here: the column was never used in production"},
		{"75_late_allowed.up.sql", "out-of-order", Error, 1, "it must say why"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(got), len(want), findingsText(got))
	}
	for i, w := range want {
		g := got[i]
		if filepath.Base(g.File) != w.file || g.Rule != w.rule || g.Severity != w.severity || g.Line != w.line || !strings.Contains(g.Message, w.says) {
			t.Errorf("finding %d: %s\nwant %s:%d %s [%s] saying %q", i, g, w.file, w.line, w.severity, w.rule, w.says)
		}
	}
}

// A release with no migrations directory (nothing released yet) finds
// nothing; so does the release itself.
func TestHistoryNothingReleased(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1_a.sql"), []byte("SELECT 1;\n"), 0o644)
	for _, rel := range []Released{{Name: "empty", FS: fstest.MapFS{}}, {Name: "itself", FS: os.DirFS(dir)}} {
		if got, err := History(rel, dir, Options{}); err != nil || len(got) != 0 {
			t.Errorf("%s: %v %s", rel.Name, err, findingsText(got))
		}
	}
}

func findingsText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}
