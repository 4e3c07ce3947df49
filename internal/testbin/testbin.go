// Package testbin builds the dbprep binary once per test binary and runs it
// the way a user would: in a directory, with an environment the test
// controls, checking exit codes and output.
package testbin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testdb"
)

// Path is the built binary; set by Build.
var Path string

// Build compiles ./cmd/dbprep and ./cmd/dbprep-vet (which `dbprep vet` runs),
// relative to the module root root, into one temporary directory, as
// `go install …/cmd/...` does, and returns a function that removes it.
func Build(root string) (cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "dbprep-bin")
	if err != nil {
		return nil, err
	}
	Path = filepath.Join(dir, "dbprep")
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/dbprep", "./cmd/dbprep-vet")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("building dbprep: %v\n%s", err, out)
	}
	return func() { os.RemoveAll(dir) }, nil
}

// Main builds the binary, runs a package's tests, stops the throwaway
// PostgreSQL server if they started one, and exits. root is the module root.
func Main(m interface{ Run() int }, root string) {
	cleanup, err := Build(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testdb.StopPostgres()
	testdb.StopMySQL()
	cleanup()
	os.Exit(code)
}

// Result is one finished run.
type Result struct {
	Stdout, Stderr string
	Code           int
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// Want fails the test unless the run exited with code and its output
// contains every string given.
func (r Result) Want(t testing.TB, code int, contains ...string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
	all := r.Stdout + r.Stderr
	for _, c := range contains {
		if !strings.Contains(all, c) {
			t.Errorf("output does not contain %q:\n%s", c, r)
		}
	}
}

// Cmd is an invocation: a working directory and an environment holding
// only what the test gives it (plus PATH).
type Cmd struct {
	Dir   string
	Env   []string
	Stdin string
}

// Run runs dbprep with args.
func (c Cmd) Run(t testing.TB, args ...string) Result {
	t.Helper()
	return c.Shell(t, "", args...)
}

// Shell runs dbprep behind a shell prefix such as "umask 077; exec" or
// "exec timeout 2"; an empty prefix runs it directly.
func (c Cmd) Shell(t testing.TB, prefix string, args ...string) Result {
	t.Helper()
	x := c.Command(prefix, args...)
	var out, errb bytes.Buffer
	x.Stdout, x.Stderr = &out, &errb
	err := x.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	r := Result{out.String(), errb.String(), code}
	if strings.Contains(r.Stderr, "goroutine ") || strings.Contains(r.Stderr, "panic:") {
		t.Fatalf("dbprep panicked:\n%s", r)
	}
	return r
}

// Command prepares, without starting it, the process Shell would run.
func (c Cmd) Command(prefix string, args ...string) *exec.Cmd {
	var x *exec.Cmd
	if prefix == "" {
		x = exec.Command(Path, args...)
	} else {
		x = exec.Command("sh", append([]string{"-c", prefix + ` "$@"`, "sh", Path}, args...)...)
	}
	x.Dir = c.Dir
	x.Env = append([]string{"PATH=" + os.Getenv("PATH")}, c.Env...)
	x.Stdin = strings.NewReader(c.Stdin)
	return x
}

// Project makes a temporary directory holding files (path → content).
func Project(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
