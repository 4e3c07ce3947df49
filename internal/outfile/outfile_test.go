package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mknodNull makes a private character device with /dev/null's numbers
// (1, 3), which needs root: CI runs as root, so there it must work.
func mknodNull(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mknod (CI runs as root): %v", err)
		}
		t.Skipf("mknod needs root: %v", err)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolveRegularAndLinks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.sql")
	write(t, file, "old")
	link := filepath.Join(dir, "link.sql")
	os.Symlink("a.sql", link)
	dangling := filepath.Join(dir, "dangling.sql")
	os.Symlink("sub/new.sql", dangling)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	tests := []struct {
		out, path string
		exists    bool
	}{
		{file, file, true},
		{filepath.Join(dir, "new.sql"), filepath.Join(dir, "new.sql"), false},
		{link, file, true},
		{dangling, filepath.Join(dir, "sub", "new.sql"), false},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.out)
		if err != nil {
			t.Errorf("Resolve(%s): %v", tt.out, err)
			continue
		}
		if got.Path != tt.path || got.Exists != tt.exists || got.Stream {
			t.Errorf("Resolve(%s) = %+v, want path %s exists %v", tt.out, got, tt.path, tt.exists)
		}
	}
	// Writing through the link replaces the target; the link stays a link.
	tg, _ := Resolve(link)
	if err := Write(tg, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(file); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	td, _ := Resolve(dangling)
	if err := Write(td, []byte("made")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "sub", "new.sql")); string(b) != "made" {
		t.Errorf("dangling link's target holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestResolveRefuses(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	tests := []struct{ out, want string }{
		{filepath.Join(dir, "d"), "is a directory"},
		{filepath.Join(dir, "nodir", "x.sql"), "the directory " + filepath.Join(dir, "nodir") + " does not exist"},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.out)
		// The message starts with the path; the flag is the command line's.
		var pe *PathError
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), tt.out) || !errors.As(err, &pe) || pe.Path != tt.out || strings.Contains(err.Error(), "--out") {
			t.Errorf("Resolve(%s) = %v, want %q", tt.out, err, tt.want)
		}
	}
}

// A device or FIFO is a stream: written into like shell redirection, never
// replaced by a regular file.
func TestStreams(t *testing.T) {
	dir := t.TempDir()
	null := filepath.Join(dir, "null")
	mknodNull(t, null)
	tn, err := Resolve(null)
	if err != nil || !tn.Stream || tn.Kind != "character device" {
		t.Fatalf("Resolve(null) = %+v, %v", tn, err)
	}
	if err := Write(tn, []byte("gone")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("the device was replaced: %v, %v", fi.Mode(), err)
	}
	// A link to the device: still the device.
	link := filepath.Join(dir, "link")
	os.Symlink(null, link)
	if tl, err := Resolve(link); err != nil || !tl.Stream {
		t.Errorf("Resolve(link to device) = %+v, %v", tl, err)
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	tf, err := Resolve(fifo)
	if err != nil || !tf.Stream {
		t.Fatalf("Resolve(fifo) = %+v, %v", tf, err)
	}
	if err := Write(tf, []byte("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("the reader got %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", fi.Mode())
	}
}

// Replace refuses when --out became a device while the file was written.
func TestReplaceRechecks(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.sql")
	tg, err := Resolve(out)
	if err != nil {
		t.Fatal(err)
	}
	mknodNull(t, out)
	tmp := filepath.Join(dir, "tmp")
	write(t, tmp, "x")
	if err := Replace(tg, tmp); err == nil || !strings.Contains(err.Error(), "changed while dbprep was writing it") {
		t.Errorf("Replace = %v", err)
	}
	if fi, _ := os.Lstat(out); fi.Mode()&os.ModeCharDevice == 0 {
		t.Error("the device was replaced")
	}
}
