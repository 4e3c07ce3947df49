package bench

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// schemaOf lists a database's objects, the tool's own ledger aside: every
// tool must leave the same schema before its time counts.
func schemaOf(b *testing.B, db, ledger string) string {
	b.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var n int
	var names string
	err = conn.QueryRow(`SELECT count(*), coalesce(group_concat(type || ' ' || name, ','), '') FROM
		(SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND tbl_name NOT IN (?, '_sqlx_migrations') ORDER BY name)`,
		ledger).Scan(&n, &names)
	if err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("%d objects: %s", n, names)
}

// runTool runs argv in dir.
func runTool(b *testing.B, dir string, argv ...string) {
	b.Helper()
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, out)
	}
}

// runRSS runs argv in dir under GNU time and returns its peak resident set
// in KiB. Not the rusage of a child of this process: Go starts children
// with vfork, so their ru_maxrss counts this test binary's memory too
// (every tool measured so came out at about 19 MiB).
func runRSS(b *testing.B, dir string, argv ...string) int64 {
	b.Helper()
	out := filepath.Join(b.TempDir(), "rss")
	runTool(b, dir, append([]string{"/usr/bin/time", "-f", "%M", "-o", out}, argv...)...)
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		b.Fatalf("GNU time's output %q: %v", data, err)
	}
	return kib
}

// noopRounds is how many times each tool's no-op run is timed per
// iteration: one is a few milliseconds, within this machine's noise.
const noopRounds = 10

// BenchmarkPeers applies the same n migrations with dbprep and each peer,
// fresh and then once more with nothing to do, after checking that each
// leaves the schema dbprep leaves. The tools take turns within every
// iteration (the order rotating), so that a machine getting busier or
// quieter weighs on all alike; each tool's median is reported as
// <tool>-ms, and its peak RSS, from one more untimed run, as <tool>-KiB.
func BenchmarkPeers(b *testing.B) {
	f := setup(b)
	if err := GeneratePeers(f.dir, n()); err != nil {
		b.Fatal(err)
	}
	ref := filepath.Join(f.dir, "ref.db")
	f.run(b, "", f.dbprep, "migrate", "run", "-D", "sqlite:"+ref+"?mode=rwc")
	want := schemaOf(b, ref, "")
	type tool struct {
		name    string
		up      func(db string) []string
		ledger  string
		version []string
	}
	tools := []tool{{"dbprep", func(db string) []string {
		return []string{f.dbprep, "migrate", "run", "-D", "sqlite:" + db + "?mode=rwc"}
	}, "_sqlx_migrations", []string{f.dbprep, "--version"}}}
	// DBPREP_BENCH_BASE: another dbprep build (an earlier commit's), timed
	// in the same turns, for "did this change make it slower".
	if base := os.Getenv("DBPREP_BENCH_BASE"); base != "" {
		tools = append(tools, tool{"dbprep-base", func(db string) []string {
			return []string{base, "migrate", "run", "-D", "sqlite:" + db + "?mode=rwc"}
		}, "_sqlx_migrations", []string{base, "--version"}})
	}
	for _, p := range Peers {
		if os.Getenv("DBPREP_BENCH_PEERS") == "" {
			continue
		}
		bin := filepath.Join(os.Getenv("DBPREP_BENCH_PEERS"), p.Bin)
		if _, err := os.Stat(bin); err != nil {
			b.Logf("%s is not installed; left out", p.Name)
			continue
		}
		dir := filepath.Join(f.dir, p.Name)
		tools = append(tools, tool{p.Name, func(db string) []string { return p.Up(bin, dir, db) }, p.Ledger, append([]string{bin}, p.Version...)})
	}
	checked := func(t tool) string { return filepath.Join(f.dir, t.name+"-check.db") }
	for _, t := range tools {
		runTool(b, f.dir, t.up(checked(t))...)
		if got := schemaOf(b, checked(t), t.ledger); got != want {
			b.Fatalf("%s leaves another schema:\n%s\nwant\n%s", t.name, got, want)
		}
	}
	names := make([]string, len(tools))
	for j, t := range tools {
		names[j] = t.name
	}
	b.Run(fmt.Sprintf("n=%d/apply", n()), func(b *testing.B) {
		timeTurns(b, f.dir, names, 1, func(j int) []string {
			db := filepath.Join(f.dir, tools[j].name+".db")
			os.Remove(db)
			return tools[j].up(db)
		})
	})
	b.Run(fmt.Sprintf("n=%d/noop", n()), func(b *testing.B) {
		timeTurns(b, f.dir, names, noopRounds, func(j int) []string { return tools[j].up(checked(tools[j])) })
	})
	// Start-up alone: printing the version.
	b.Run(fmt.Sprintf("n=%d/version", n()), func(b *testing.B) {
		timeTurns(b, f.dir, names, noopRounds, func(j int) []string { return tools[j].version })
	})
}

// timeTurns runs each tool of names rounds times per iteration, in turns
// (the order rotating, so that a machine getting busier or quieter weighs
// on all alike), in dir, and reports each one's median as <name>-ms and its
// peak RSS, from one more untimed run, as <name>-KiB. argv(j) is tool j's
// command line, made (a fresh database included) before its time starts.
func timeTurns(b *testing.B, dir string, names []string, rounds int, argv func(j int) []string) {
	times := make([][]time.Duration, len(names))
	for i := 0; i < b.N; i++ {
		for r := range rounds {
			for k := range names {
				j := (k + i*rounds + r) % len(names)
				args := argv(j)
				start := time.Now()
				runTool(b, dir, args...)
				times[j] = append(times[j], time.Since(start))
			}
		}
	}
	b.StopTimer()
	for j, name := range names {
		slices.Sort(times[j])
		b.ReportMetric(float64(times[j][len(times[j])/2])/1e6, name+"-ms")
		b.ReportMetric(float64(runRSS(b, dir, argv(j)...)), name+"-KiB")
	}
}
