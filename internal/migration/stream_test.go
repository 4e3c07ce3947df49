package migration

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withKeepLimit resolves with a small KeepLimit, so files are streamed.
func withKeepLimit(t *testing.T, limit int64) {
	old := KeepLimit
	KeepLimit = limit
	t.Cleanup(func() { KeepLimit = old })
}

// A streamed file gets the checksum, no-transaction flag and refusals of
// one read whole, across the scanner's 256 KiB chunks (runes of two and
// three bytes straddle their ends), and Load reads it again.
func TestStreamedMatchesWhole(t *testing.T) {
	body := "-- no-transaction\nSELECT 'x" + strings.Repeat("é€a", 200_000) + "';\n"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1_big.sql"), []byte(body), 0o644)
	for _, ignored := range [][]rune{nil, {'€', '\n'}} {
		whole, err := ResolveDir(dir, Options{IgnoredChars: ignored})
		if err != nil {
			t.Fatal(err)
		}
		withKeepLimit(t, 1024)
		streamed, err := ResolveDir(dir, Options{IgnoredChars: ignored})
		KeepLimit = 4 << 20
		if err != nil {
			t.Fatal(err)
		}
		s := streamed[0]
		if s.SQL != "" || whole[0].SQL != body {
			t.Fatalf("streamed SQL kept (%d bytes), or whole SQL wrong", len(s.SQL))
		}
		if !bytes.Equal(s.Checksum, whole[0].Checksum) || !bytes.Equal(s.Checksum, Checksum(body, ignored)) || !s.NoTx {
			t.Errorf("ignored %q: streamed checksum %x, NoTx %v; whole %x", ignored, s.Checksum, s.NoTx, whole[0].Checksum)
		}
		if got, err := s.Load(); err != nil || got != body {
			t.Errorf("Load: %d bytes, %v", len(got), err)
		}
		withKeepLimit(t, 1024) // the same through an fs.FS
		fromFS, err := Resolve(os.DirFS(dir), ".", Options{IgnoredChars: ignored})
		KeepLimit = 4 << 20
		if err != nil || fromFS[0].SQL != "" || !bytes.Equal(fromFS[0].Checksum, s.Checksum) {
			t.Fatalf("fs.FS: %v, kept %d bytes", err, len(fromFS[0].SQL))
		}
		if got, err := fromFS[0].Load(); err != nil || got != body {
			t.Errorf("fs.FS Load: %d bytes, %v", len(got), err)
		}
	}
}

func TestStreamedRefusals(t *testing.T) {
	withKeepLimit(t, 1024)
	big := strings.Repeat("SELECT 1;\n", 60_000) // 600 kB, 60,000 lines
	for name, tc := range map[string]struct{ body, want string }{
		"NUL":               {big + "SELECT 2;\x00\n", "NUL byte on line 60001"},
		"bad UTF-8":         {big[:300_000] + "\xff" + big, "valid UTF-8"},
		"truncated at end":  {big + "é"[:1], "valid UTF-8"},
		"rune across chunk": {strings.Repeat("a", 256<<10-1) + "\xc3(", "valid UTF-8"},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "1_big.sql"), []byte(tc.body), 0o644)
		if _, err := ResolveDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "1_big.sql") {
			t.Errorf("%s: err = %v, want %q and the file", name, err, tc.want)
		}
	}
}

// A file changed between resolving and running is refused, not run.
func TestStreamedChangedBeforeLoad(t *testing.T) {
	withKeepLimit(t, 1024)
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
}
