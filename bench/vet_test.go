package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkVet compares, in one run, dbprep vet with go vet on a module of
// 50 packages and 1,000 queries (DBPREP_BENCH_N does not apply):
//   - warm: the build cache holds everything, as in a developer's loop (go
//     vet also caches its verdicts; dbprep vet checks again every time, as
//     the database may have changed);
//   - cold: an empty build cache each time, as in a Nix build, where both
//     must first compile the export data of what the module imports.
//
// bench/run.sh prints the ratios bench/README.md quotes.
func BenchmarkVet(b *testing.B) {
	f := setupVet(b)
	dbprepVet := []string{f.dbprep, "vet", "-D", "sqlite:db.sqlite3", "./..."}
	goVet := []string{"go", "vet", "./..."}
	for _, cold := range []bool{false, true} {
		for _, tool := range []struct {
			name string
			args []string
		}{{"dbprep-vet", dbprepVet}, {"go-vet", goVet}} {
			name := tool.name + "-warm"
			if cold {
				name = tool.name + "-cold"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					var env []string
					if cold {
						b.StopTimer()
						env = []string{"GOCACHE=" + b.TempDir()}
						b.StartTimer()
					}
					f.runEnv(b, env, tool.args...)
				}
			})
		}
	}
}

func (f fixture) runEnv(b *testing.B, env []string, args ...string) {
	b.Helper()
	c := exec.Command(args[0], args[1:]...)
	c.Dir = f.dir
	c.Env = append(os.Environ(), env...)
	if out, err := c.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", args, err, out)
	}
}

func setupVet(b *testing.B) fixture {
	b.Helper()
	dir := b.TempDir()
	if err := GenerateVetModule(dir, 50, 20); err != nil {
		b.Fatal(err)
	}
	// dbprep vet runs the dbprep-vet beside it.
	bin := filepath.Join(dir, "dbprep")
	if out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "../cmd/dbprep", "../cmd/dbprep-vet").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	f := fixture{dir: dir, dbprep: bin}
	f.run(b, "", bin, "prepare", "--out", "db.sqlite3")
	// Warm the build cache for both, outside the timings.
	f.run(b, "", "go", "vet", "./...")
	f.run(b, "", bin, "vet", "-D", "sqlite:db.sqlite3", "./...")
	if _, err := os.Stat(filepath.Join(dir, "db.sqlite3")); err != nil {
		b.Fatal(err)
	}
	return f
}
