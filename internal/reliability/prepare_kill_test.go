package reliability

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/testbin"
)

// Killed at any moment, prepare leaves --out absent or complete and
// correct; the next run succeeds and leaves no temporary file behind.
func TestKillPrepare(t *testing.T) {
	files := workload(workloadSize)
	delete(files, "migrations/0025_fails.sql")
	dir := testbin.Project(t, files)
	c := testbin.Cmd{Dir: dir}
	ref := filepath.Join(t.TempDir(), "ref.sqlite3")
	start := time.Now()
	c.Run(t, "prepare", "--out", ref).Want(t, 0)
	full := time.Since(start)
	want, _ := os.ReadFile(ref)
	outcomes := map[string]int{}
	for trial := 0; trial < trials(); trial++ {
		outDir := t.TempDir()
		out := filepath.Join(outDir, "db.sqlite3")
		proc := c.Command("", "prepare", "--out", out)
		proc.Start()
		time.Sleep(time.Duration(rand.Int64N(int64(full)*5/4 + 1))) // sometimes after it finished
		proc.Process.Signal(syscall.SIGKILL)
		proc.Wait()
		got, err := os.ReadFile(out)
		switch {
		case os.IsNotExist(err):
			outcomes["absent"]++
		case err == nil && bytes.Equal(got, want):
			outcomes["complete"]++
		default:
			t.Fatalf("trial %d: --out exists but is not the complete database (%d bytes, %v)", trial, len(got), err)
		}
		c.Run(t, "prepare", "--out", out).Want(t, 0)
		if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
			t.Fatalf("trial %d: the next run left %d entries beside --out", trial, len(entries))
		}
	}
	t.Logf("outcomes: %v", outcomes)
	if outcomes["absent"] == 0 {
		t.Error("no trial killed prepare before it finished: the test proved nothing")
	}
}
