package reliability

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

// prepare writes --out and nothing else: not in the working directory, the
// migrations directory, beside --out or (once finished) in TMPDIR.
func TestPrepareWritesOnlyOut(t *testing.T) {
	files := workload(8)
	delete(files, "migrations/0009_fails.sql")
	work := testbin.Project(t, files)
	tmp, outDir := t.TempDir(), t.TempDir()
	out := filepath.Join(outDir, "db.sqlite3")
	c := testbin.Cmd{Dir: work, Env: []string{"TMPDIR=" + tmp}}
	c.Shell(t, "umask 027; exec", "prepare", "--out", out).Want(t, 0, "Prepared")
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("TMPDIR holds %d files afterwards", len(entries))
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
		t.Errorf("beside --out: %d entries", len(entries))
	}
	if entries, _ := os.ReadDir(work); len(entries) != 1 {
		t.Errorf("the working directory gained files: %v", entries)
	}
	if entries, _ := os.ReadDir(filepath.Join(work, "migrations")); len(entries) != 8 {
		t.Errorf("the migrations directory changed: %d files", len(entries))
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v under umask 027, want 0640", info.Mode().Perm())
	}
}
