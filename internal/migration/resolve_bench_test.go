package migration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func thousand(b *testing.B) string {
	dir := b.TempDir()
	body := strings.Repeat("ALTER TABLE t ADD COLUMN c TEXT;\n", 6)
	for i := 0; i < 1000; i++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%014d_step_%d.sql", 20240101000000+i, i)), []byte(body), 0o644)
	}
	return dir
}

// ResolveDir reads with plain system calls.
func BenchmarkResolveDir1000(b *testing.B) {
	dir := thousand(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ms, err := ResolveDir(dir, Options{}); err != nil || len(ms) != 1000 {
			b.Fatal(err)
		}
	}
}

// Resolve over os.DirFS reads through os.Open (Go's poller): the same
// work, for the side-by-side ratio with ResolveDir.
func BenchmarkResolveDirFS1000(b *testing.B) {
	dir := thousand(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ms, err := Resolve(os.DirFS(dir), ".", Options{}); err != nil || len(ms) != 1000 {
			b.Fatal(err)
		}
	}
}
