package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func dir(t *testing.T, files map[string]string) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "migrations")
	for name, content := range files {
		p := filepath.Join(d, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(d, 0o755)
	return d
}

// Each rule has a directory that triggers it and one, as close as can be,
// that does not.
func TestRules(t *testing.T) {
	const ok = "CREATE TABLE a (x int);\n"
	tests := []struct {
		name      string
		files     map[string]string
		ignored   []rune
		want      []string // rule@line, in order
		wantClean bool
	}{
		{"clean", map[string]string{"1_a.sql": ok, "2_b.sql": "ALTER TABLE a ADD y int;\n"}, nil, nil, true},
		{"duplicate version", map[string]string{"1_a.sql": ok, "1_b.sql": ok}, nil, []string{"duplicate-version@0"}, false},
		{"no underscore", map[string]string{"1_a.sql": ok, "seed.sql": ok}, nil, []string{"skipped-file@0"}, false},
		{"upper-case suffix", map[string]string{"1_a.up.SQL": ok}, nil, []string{"skipped-file@0"}, false},
		{"upper-case up", map[string]string{"1_a.UP.sql": ok}, nil, []string{"skipped-file@0"}, false},
		{"lower-case up and down", map[string]string{"1_a.up.sql": ok, "1_a.down.sql": "DROP TABLE a;\n"}, nil, nil, true},
		{"nested directory", map[string]string{"1_a.sql": ok, "old/2_b.sql": ok}, nil, []string{"nested-directory@0"}, false},
		{"nested directory without sql", map[string]string{"1_a.sql": ok, "old/README": "x"}, nil, nil, true},
		{"orphan down", map[string]string{"1_a.sql": ok, "2_b.down.sql": "DROP TABLE b;\n"}, nil, []string{"orphan-down@0"}, false},
		{"invalid utf-8", map[string]string{"1_a.sql": "CREATE TABLE \xff (x);\n"}, nil, []string{"invalid-utf8@0"}, false},
		{"nul byte", map[string]string{"1_a.sql": "CREATE TABLE a (x);\n\x00DROP TABLE a;\n"}, nil, []string{"nul-byte@2"}, false},
		{"concurrently", map[string]string{"1_a.sql": ok + "CREATE INDEX CONCURRENTLY i ON a (x);\n"}, nil, []string{"needs-no-transaction@2"}, false},
		{"concurrently without transaction", map[string]string{"1_a.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (x);\n"}, nil, nil, true},
		{"concurrently in a comment and a string", map[string]string{"1_a.sql": "-- CREATE INDEX CONCURRENTLY\n/* VACUUM */ CREATE TABLE a (x text DEFAULT 'VACUUM');\n"}, nil, nil, true},
		{"refresh concurrently", map[string]string{"1_a.sql": "REFRESH MATERIALIZED VIEW CONCURRENTLY v;\n"}, nil, nil, true},
		{"vacuum", map[string]string{"1_a.sql": "VACUUM;\n"}, nil, []string{"needs-no-transaction@1"}, false},
		{"create database", map[string]string{"1_a.sql": "\nCREATE DATABASE other;\n"}, nil, []string{"needs-no-transaction@2"}, false},
		{"enum add value", map[string]string{"1_a.sql": "ALTER TYPE mood ADD VALUE 'meh';\n"}, nil, []string{"enum-add-value@1"}, false},
		{"crlf", map[string]string{"1_a.sql": "CREATE TABLE a (x);\r\n"}, nil, []string{"crlf@1"}, false},
		{"crlf ignored", map[string]string{"1_a.sql": "CREATE TABLE a (x);\r\n"}, []rune{'\r'}, nil, true},
		{"bom", map[string]string{"1_a.sql": "\ufeffCREATE TABLE a (x);\n"}, nil, []string{"bom@1"}, false},
		{"bom ignored", map[string]string{"1_a.sql": "\ufeffCREATE TABLE a (x);\n"}, []rune{'\ufeff'}, nil, true},
		{"multi-statement no-transaction", map[string]string{"1_a.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (x);\nCREATE INDEX CONCURRENTLY j ON a (y);\n"}, nil, []string{"needs-own-file@2", "needs-own-file@3"}, false},
		{"multi-statement no-transaction without concurrently", map[string]string{"1_a.sql": "-- no-transaction\nCREATE TABLE a (x);\nCREATE TABLE b (y);\n"}, nil, []string{"multi-statement-no-transaction@3"}, false},
		{"explicit transaction", map[string]string{"1_a.sql": "BEGIN;\n" + ok + "COMMIT;\n"}, nil, []string{"explicit-transaction@1", "explicit-transaction@3"}, false},
		{"trigger and plpgsql bodies", map[string]string{"1_a.sql": ok + "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1;\nEND;\nCREATE FUNCTION f() RETURNS void AS $$ BEGIN COMMIT; END $$ LANGUAGE plpgsql;\n"}, nil, nil, true},
		{"mixed kinds", map[string]string{"1_a.up.sql": ok, "1_a.down.sql": "DROP TABLE a;\n", "2_b.sql": ok}, nil, []string{"mixed-kinds@0"}, false},
		{"close versions", map[string]string{"20240101000000_a.sql": ok, "20240101000001_b.sql": ok}, nil, []string{"close-versions@0"}, false},
		{"versions apart", map[string]string{"20240101000000_a.sql": ok, "20240101000002_b.sql": ok}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := Dir(dir(t, tt.files), Options{IgnoredChars: tt.ignored})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Rule+"@"+strconv.Itoa(f.Line))
				if !strings.Contains(f.String(), "["+f.Rule+"]") || f.Message == "" {
					t.Errorf("finding %q lacks its rule or message", f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v\n%v", got, tt.want, fs)
			}
		})
	}
}

// A FIFO named like a migration is reported, never opened: opening one
// blocks until a writer comes.
func TestFIFONeverOpened(t *testing.T) {
	d := dir(t, map[string]string{"1_a.sql": "CREATE TABLE a (x);\n"})
	if err := syscall.Mkfifo(filepath.Join(d, "2_b.sql"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan []Finding)
	go func() {
		fs, _ := Dir(d, Options{})
		done <- fs
	}()
	select {
	case fs := <-done:
		if len(fs) != 1 || fs[0].Rule != "skipped-file" || !strings.Contains(fs[0].Message, "not a regular file") {
			t.Errorf("findings %v", fs)
		}
	case <-time.After(time.Minute):
		t.Fatal("lint opened the FIFO and blocks")
	}
}
