package nixtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkDevShellEntry is the time to enter a SQLite dev shell after one
// new migration among DBPREP_BENCH_N (default 1000): evaluating the hook,
// building the prepared database (the migrations' copy to the store and
// `dbprep prepare`), and the hook bringing the developer's copy up to date
// (new-migration: each iteration adds one); and the hook alone when the
// copy is up to date (up-to-date). Run:
//
//	go test -run '^$' -bench DevShellEntry -benchtime 5x ./internal/nixtest/
func BenchmarkDevShellEntry(b *testing.B) {
	t := &testing.T{}
	e := newEnv(t)
	if t.Failed() {
		b.Fatal("setting up the Nix environment failed")
	}
	n := 1000
	if v := os.Getenv("DBPREP_BENCH_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	dir := b.TempDir()
	migrations, project := filepath.Join(dir, "migrations"), filepath.Join(dir, "project")
	os.MkdirAll(migrations, 0o755)
	os.MkdirAll(project, 0o755)
	add := func(i int) {
		body := fmt.Sprintf("CREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT);\n", i)
		if err := os.WriteFile(filepath.Join(migrations, fmt.Sprintf("%05d_t%d.sql", i, i)), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	enter := func() {
		// One evaluation, as `nix develop` makes: the database's drvPath and the hook.
		out, err := nixTool("nix", "eval", "--impure", "--raw", "--expr",
			e.wrap(`let db = dbprep.prepareDatabase { migrations = `+migrations+`; }; in db.drvPath + "\n" + dbprep.devShellHook { database = db; }`))
		if err != nil {
			b.Fatal(err)
		}
		drv, hook, _ := strings.Cut(out, "\n")
		if _, err := nixTool("nix-store", "--realise", drv); err != nil {
			b.Fatal(err)
		}
		c := exec.Command("bash", "-c", hook)
		c.Dir = project
		if out, err := c.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
	for i := 1; i <= n; i++ {
		add(i)
	}
	enter()
	b.Run("new-migration", func(b *testing.B) {
		for i := range b.N {
			add(n + 1 + i)
			enter()
		}
	})
	// Up to date: the hook alone, as a shell entered again runs it (its
	// evaluation is Nix's cached one).
	hook, err := nixTool("nix", "eval", "--impure", "--raw", "--expr",
		e.wrap(`dbprep.devShellHook { database = dbprep.prepareDatabase { migrations = `+migrations+`; }; }`))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("up-to-date", func(b *testing.B) {
		for range b.N {
			c := exec.Command("bash", "-c", hook)
			c.Dir = project
			if out, err := c.CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		}
	})
}
