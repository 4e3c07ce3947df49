package textdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The diff is the one `diff -u` prints (headers aside), and patch applies it.
func TestUnifiedMatchesDiff(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n"
	tests := []string{
		"a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\n",
		"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n",
		"x\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n",
		"a\nc\nd\ne\nf\ng\nh\ni\nX\nY\nj\nk\nl\n",
		"",
	}
	for _, b := range tests {
		got := Unified("a", "b", a, b)
		dir := t.TempDir()
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(pa, []byte(a), 0o644)
		os.WriteFile(pb, []byte(b), 0o644)
		want, _ := exec.Command("diff", "-u", "--label", "a", "--label", "b", pa, pb).Output()
		if got != string(want) {
			t.Errorf("a -> %q:\ngot\n%s\nwant\n%s", b, got, want)
		}
	}
	if Unified("a", "b", a, a) != "" {
		t.Error("equal texts must give no diff")
	}
	if d := Unified("a", "b", "x\n", "y\n"); !strings.Contains(d, "-x\n+y\n") {
		t.Errorf("one line: %q", d)
	}
}
