package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

// Every global option works before the command and after it, as sqlx-cli's
// do; after the command wins over before it.
func TestGlobalFlagsBeforeOrAfter(t *testing.T) {
	dir := project(t, map[string]string{
		"db/mig/1_a.sql": "CREATE TABLE a (x);\n",
		"other.toml":     "[migrate]\ntable-name = \"other_ledger\"\n",
		".env":           "DATABASE_URL=not-a-url\n",
	})
	tests := []struct {
		name   string
		global []string
		code   int
		want   string
	}{
		{"database-url", []string{"-D", "sqlite:x.db?mode=rwc", "--source", "db/mig", "--no-dotenv"}, 0, "1/pending a"},
		{"long database-url", []string{"--database-url=sqlite:x.db?mode=rwc", "--source=db/mig", "--no-dotenv"}, 0, "1/pending a"},
		{"sqlx-compat", []string{"--sqlx-compat", "0.7", "-D", "sqlite::memory:", "--source", "db/mig"}, 2, `--sqlx-compat "0.7"`},
		{"config", []string{"--config", "nope.toml", "-D", "sqlite::memory:", "--source", "db/mig"}, 1, "nope.toml"},
		{"no .env", []string{"--source", "db/mig", "--no-dotenv"}, 1, "no database URL"},
		{"connect-timeout", []string{"--connect-timeout", "1ms", "-D", "postgres://u@127.0.0.1:1/x", "--source", "db/mig"}, 1, "connection refused"},
		{"connect-timeout value", []string{"--connect-timeout", "soon", "-D", "sqlite::memory:"}, 2, "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append(append([]string{}, tt.global...), "migrate", "info")
			after := append([]string{"migrate", "info"}, tt.global...)
			cmd{Dir: dir}.Run(t, before...).Want(t, tt.code, tt.want)
			cmd{Dir: dir}.Run(t, after...).Want(t, tt.code, tt.want)
		})
	}
	// Both: the one after the command wins.
	cmd{Dir: dir}.Run(t, "--source", "nowhere", "-D", "sqlite::memory:", "migrate", "info", "--source", "db/mig").Want(t, 0, "1/pending a")
	cmd{Dir: dir}.Run(t, "-D", "sqlite:y.db?mode=rwc", "--config", "other.toml", "migrate", "run", "--source", "db/mig").Want(t, 0, "Applied 1/migrate a")
	cmd{Dir: dir}.Run(t, "migrate", "check", "-D", "sqlite:y.db", "--source", "db/mig", "--config", "other.toml").Want(t, 0, "up to date")
	cmd{Dir: dir}.Run(t, "migrate", "check", "-D", "sqlite:y.db", "--source", "db/mig", "--config", "/dev/null").Want(t, 3, "pending: 1")
	// prepare and database take them too.
	out := filepath.Join(dir, "p.sqlite3")
	cmd{Dir: dir}.Run(t, "--source", "db/mig", "prepare", "--out", out).Want(t, 0, "1 migrations applied")
	cmd{Dir: dir}.Run(t, "database", "create", "-D", "sqlite:z.db").Want(t, 0)
	if _, err := os.Stat(filepath.Join(dir, "z.db")); err != nil {
		t.Error("database create -D after the command created nothing")
	}
}

// -V/--version is the version, as in sqlx-cli; -v never is (it is
// prepare's --verbose), so `dbprep -v prepare` is a usage error, not a
// silent exit 0 that writes nothing.
func TestVersionFlags(t *testing.T) {
	dir := project(t, map[string]string{"migrations/1_a.sql": "CREATE TABLE a (x);\n"})
	cmd{Dir: dir}.Run(t, "--version").Want(t, 0, "dbprep version ")
	cmd{Dir: dir}.Run(t, "-V").Want(t, 0, "dbprep version ")
	cmd{Dir: dir}.Run(t, "-v", "prepare", "--out", "x.sqlite3").Want(t, 2, "-v")
	if _, err := os.Stat(filepath.Join(dir, "x.sqlite3")); err == nil {
		t.Error("dbprep -v prepare wrote the file")
	}
	cmd{Dir: dir}.Run(t, "prepare", "-v", "--out", "x.sqlite3").Want(t, 0, "Applied 1/migrate a")
}

// --sqlite-create-db-wal takes its value after a space, as sqlx-cli's does.
func TestBoolFlagValues(t *testing.T) {
	dir := project(t, nil)
	cmd{Dir: dir}.Run(t, "database", "create", "-D", "sqlite:a.db", "--sqlite-create-db-wal", "false").Want(t, 0)
	cmd{Dir: dir}.Run(t, "database", "create", "-D", "sqlite:b.db", "--sqlite-create-db-wal=false").Want(t, 0)
	cmd{Dir: dir}.Run(t, "database", "create", "-D", "sqlite:c.db", "--sqlite-create-db-wal", "true").Want(t, 0)
	for name, wal := range map[string]byte{"a.db": 1, "b.db": 1, "c.db": 2} {
		// The file format bytes (offsets 18 and 19) are 2 in WAL mode.
		if b := readFile(t, filepath.Join(dir, name)); len(b) < 20 || b[18] != wal {
			t.Errorf("%s: format byte %v, want %d", name, b[18:20], wal)
		}
	}
}

// `dbprep completions bash` completes commands, subcommands and flags in a
// real bash; zsh and fish get their scripts; anything else is a usage error.
func TestCompletions(t *testing.T) {
	dir := project(t, nil)
	script := cmd{Dir: dir}.Run(t, "completions", "bash")
	script.Want(t, 0, "complete -o bashdefault")
	if err := os.WriteFile(filepath.Join(dir, "c.bash"), []byte(script.Stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) string {
		t.Helper()
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		prog := "source ./c.bash; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) + "; _dbprep_complete; echo \"${COMPREPLY[*]}\""
		x := exec.Command("bash", "--norc", "-c", prog)
		x.Dir = dir
		x.Env = []string{"PATH=" + filepath.Dir(testbin.Path) + ":" + os.Getenv("PATH")}
		out, err := x.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for _, tt := range []struct {
		words []string
		want  string
	}{
		{[]string{"dbprep", "mi"}, "migrate mig"},
		{[]string{"dbprep", "migrate", "re"}, "revert"},
		{[]string{"dbprep", "migrate", "run", "--ta"}, "--target-version"},
		{[]string{"dbprep", "prepare", "--fo"}, "--force"},
		{[]string{"dbprep", "database", ""}, "create drop reset setup"},
		{[]string{"dbprep", "migrate", "ov"}, "override"},
		{[]string{"dbprep", "migrate", "override", ""}, "skip"},
		{[]string{"dbprep", "migrate", "override", "skip", "--dr"}, "--dry-run"},
	} {
		if got := complete(tt.words...); !strings.Contains(got, tt.want) {
			t.Errorf("completing %q: %q, want %q", tt.words, got, tt.want)
		}
	}
	cmd{Dir: dir}.Run(t, "completions", "zsh").Want(t, 0, "#compdef dbprep", "_describe")
	cmd{Dir: dir}.Run(t, "completions", "fish").Want(t, 0, "complete -c dbprep", "database-url")
	cmd{Dir: dir}.Run(t, "completions", "tcsh").Want(t, 2, `unknown shell "tcsh"`)
}

// Help lists the global options under a heading of their own, however it is
// asked for (they are grouped only on command lines that may print help).
func TestHelpGroupsGlobalFlags(t *testing.T) {
	dir := project(t, nil)
	const heading = "global (also before the command)"
	for _, args := range [][]string{
		{"prepare", "--help"}, {"prepare", "-h"}, {"migrate", "run", "--help"}, {"migrate", "help", "run"}, {"--help"}, {},
	} {
		r := cmd{Dir: dir}.Run(t, args...)
		if !strings.Contains(r.Stdout+r.Stderr, heading) || !strings.Contains(r.Stdout+r.Stderr, "--database-url value, -D value") {
			t.Errorf("dbprep %v: the help lacks the global options under %q:\n%s%s", args, heading, r.Stdout, r.Stderr)
		}
	}
}
