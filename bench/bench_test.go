package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// n is the number of migrations (DBPREP_BENCH_N, default 1000).
func n() int {
	if v, err := strconv.Atoi(os.Getenv("DBPREP_BENCH_N")); err == nil && v > 0 {
		return v
	}
	return 1000
}

type fixture struct {
	dir, dbprep string
}

func setup(b *testing.B) fixture {
	b.Helper()
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Fatal("the baseline needs the sqlite3 command line (apt-get install sqlite3)")
	}
	dir := b.TempDir()
	if err := Generate(dir, n()); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "dbprep")
	// Built as `go install` builds it for users: no build tags (the flake's
	// package adds urfave_cli_no_docs; DBPREP_BENCH_TAGS measures that).
	build := exec.Command("go", "build", "-o", bin, "../cmd/dbprep")
	if tags := os.Getenv("DBPREP_BENCH_TAGS"); tags != "" {
		build.Args = append(build.Args[:2], "-tags", tags, "-o", bin, "../cmd/dbprep")
	}
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return fixture{dir: dir, dbprep: bin}
}

func (f fixture) run(b *testing.B, stdinFile string, name string, args ...string) {
	b.Helper()
	c := exec.Command(name, args...)
	c.Dir = f.dir
	if stdinFile != "" {
		in, err := os.Open(filepath.Join(f.dir, stdinFile))
		if err != nil {
			b.Fatal(err)
		}
		defer in.Close()
		c.Stdin = in
	}
	if out, err := c.CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func (f fixture) fresh(b *testing.B, name string) string {
	b.StopTimer()
	p := filepath.Join(f.dir, name)
	os.Remove(p)
	b.StartTimer()
	return p
}

// BenchmarkApply compares, in one run, building a database from n migrations.
func BenchmarkApply(b *testing.B) {
	f := setup(b)
	b.Run(fmt.Sprintf("n=%d/dbprep-prepare", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out := f.fresh(b, "prepared.db")
			f.run(b, "", f.dbprep, "prepare", "--out", out)
		}
	})
	b.Run(fmt.Sprintf("n=%d/sqlite3-one-transaction", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "all.sql", "sqlite3", f.fresh(b, "all.db"))
		}
	})
	b.Run(fmt.Sprintf("n=%d/dbprep-migrate-run", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "", f.dbprep, "migrate", "run", "-D", "sqlite:"+f.fresh(b, "run.db")+"?mode=rwc")
		}
	})
	b.Run(fmt.Sprintf("n=%d/sqlite3-transaction-per-migration", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "each.sql", "sqlite3", f.fresh(b, "each.db"))
		}
	})
}

// BenchmarkNoop compares a run, and a check, that have nothing to do with
// opening the database and running one query, alone and followed by
// sha384sum of the migrations (the reading and hashing sqlx requires).
func BenchmarkNoop(b *testing.B) {
	f := setup(b)
	db := filepath.Join(f.dir, "noop.db")
	f.run(b, "", f.dbprep, "prepare", "--out", db)
	files, err := filepath.Glob(filepath.Join(f.dir, "migrations", "*.sql"))
	if err != nil || len(files) != n() {
		b.Fatalf("%d migrations, %v", len(files), err)
	}
	b.Run(fmt.Sprintf("n=%d/dbprep-migrate-run-noop", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "", f.dbprep, "migrate", "run", "-D", "sqlite:"+db)
		}
	})
	b.Run(fmt.Sprintf("n=%d/dbprep-migrate-check-noop", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "", f.dbprep, "migrate", "check", "-D", "sqlite:"+db)
		}
	})
	b.Run(fmt.Sprintf("n=%d/sqlite3-open-one-query", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "", "sqlite3", db, "SELECT count(*) FROM _sqlx_migrations")
		}
	})
	b.Run(fmt.Sprintf("n=%d/sqlite3-one-query-and-sha384sum", n()), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f.run(b, "", "sqlite3", db, "SELECT count(*) FROM _sqlx_migrations")
			f.run(b, "", "sha384sum", files...)
		}
	})
}
