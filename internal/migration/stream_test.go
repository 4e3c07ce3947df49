package migration

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file several chunks long gets the checksum and no-transaction flag of
// its whole text (runes of two and three bytes straddle the chunks' ends),
// with and without ignored characters, from a directory and an fs.FS; the
// text is not kept, and Load reads it again.
func TestScanAcrossChunks(t *testing.T) {
	body := "-- no-transaction\nSELECT 'x" + strings.Repeat("é€a", 3*chunk/5) + "';\n"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1_big.sql"), []byte(body), 0o644)
	for _, ignored := range [][]rune{nil, {'€', '\n'}} {
		fromDir, err := ResolveDir(dir, Options{IgnoredChars: ignored})
		if err != nil {
			t.Fatal(err)
		}
		fromFS, err := Resolve(os.DirFS(dir), ".", Options{IgnoredChars: ignored})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []Migration{fromDir[0], fromFS[0]} {
			if m.SQL != "" {
				t.Fatalf("resolved text kept (%d bytes)", len(m.SQL))
			}
			if !bytes.Equal(m.Checksum, Checksum(body, ignored)) || !m.NoTx {
				t.Errorf("ignored %q: checksum %x, NoTx %v; want %x", ignored, m.Checksum, m.NoTx, Checksum(body, ignored))
			}
			if got, err := m.Load(); err != nil || got != body {
				t.Errorf("Load: %d bytes, %v", len(got), err)
			}
		}
	}
}

func TestScanRefusals(t *testing.T) {
	big := strings.Repeat("SELECT 1;\n", 60_000) // 600 kB, 60,000 lines: many chunks
	for name, tc := range map[string]struct{ body, want string }{
		"NUL":               {big + "SELECT 2;\x00\n", "NUL byte on line 60001"},
		"NUL in first":      {"SELECT 1;\n\x00", "NUL byte on line 2"},
		"bad UTF-8":         {big[:300_000] + "\xff" + big, "valid UTF-8"},
		"truncated at end":  {big + "é"[:1], "valid UTF-8"},
		"rune across chunk": {strings.Repeat("a", chunk-1) + "\xc3(", "valid UTF-8"},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "1_big.sql"), []byte(tc.body), 0o644)
		if _, err := ResolveDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "1_big.sql") {
			t.Errorf("%s: err = %v, want %q and the file", name, err, tc.want)
		}
	}
}

// A file changed between resolving and running is refused, not run.
func TestChangedBeforeLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "1_big.sql")
	os.WriteFile(p, []byte(strings.Repeat("SELECT 1;\n", 1000)), 0o644)
	ms, err := ResolveDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte(strings.Repeat("SELECT 2;\n", 1000)), 0o644)
	if _, err := ms[0].Load(); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("Load after a change: %v", err)
	}
	os.Remove(p)
	if _, err := ms[0].Load(); err == nil || !strings.Contains(err.Error(), "1_big.sql") {
		t.Errorf("Load after removal: %v", err)
	}
}

// Errors name the first bad file in directory order, whichever worker
// reads it first.
func TestScanFirstErrorInOrder(t *testing.T) {
	dir := t.TempDir()
	for i, body := range []string{"SELECT 1;", "SELECT 2;", "\xff", "SELECT 4;", "\x00"} {
		os.WriteFile(filepath.Join(dir, string(rune('1'+i))+"_m.sql"), []byte(body), 0o644)
	}
	for range 20 {
		if _, err := ResolveDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "3_m.sql") {
			t.Fatalf("err = %v, want 3_m.sql's", err)
		}
	}
}
