package cli_test

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

// The tests drive the real binary, built once, in temporary directories.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dbprep-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "dbprep")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/dbprep")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dbprep: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	testdb.StopPostgres()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// cmd is one invocation: a working directory and an environment that holds
// only what the test gives it (plus PATH).
type cmd struct {
	dir   string
	env   []string
	stdin string
}

func (c cmd) run(t *testing.T, args ...string) result {
	t.Helper()
	return c.shell(t, "", args...)
}

// shell runs the binary behind a shell prefix such as "umask 077; exec".
func (c cmd) shell(t *testing.T, prefix string, args ...string) result {
	t.Helper()
	var x *exec.Cmd
	if prefix == "" {
		x = exec.Command(binary, args...)
	} else {
		x = exec.Command("sh", append([]string{"-c", prefix + ` "$@"`, "sh", binary}, args...)...)
	}
	x.Dir = c.dir
	x.Env = append([]string{"PATH=" + os.Getenv("PATH")}, c.env...)
	x.Stdin = strings.NewReader(c.stdin)
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
	r := result{out.String(), errb.String(), code}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Fatalf("dbprep panicked:\n%s", r)
	}
	return r
}

func (r result) want(t *testing.T, code int, contains ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
	all := r.stdout + r.stderr
	for _, c := range contains {
		if !strings.Contains(all, c) {
			t.Errorf("output does not contain %q:\n%s", c, r)
		}
	}
}

// project makes a directory with migrations/ holding files.
func project(t *testing.T, files map[string]string) string {
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

var twoMigrations = map[string]string{
	"migrations/20211209212234_first.sql":  "CREATE TABLE users (favorite_song TEXT);\n",
	"migrations/20211209212255_second.sql": "ALTER TABLE users ADD favorite_color TEXT;\n",
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
