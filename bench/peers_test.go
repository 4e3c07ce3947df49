package bench

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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

// BenchmarkPeers applies the same n migrations with dbprep and each peer,
// fresh and then once more with nothing to do, side by side in one run,
// after checking that each leaves the schema dbprep leaves. Peak RSS is
// reported as KiB-rss.
func BenchmarkPeers(b *testing.B) {
	f := setup(b)
	if err := GeneratePeers(f.dir, n()); err != nil {
		b.Fatal(err)
	}
	ref := filepath.Join(f.dir, "ref.db")
	f.run(b, "", f.dbprep, "migrate", "run", "-D", "sqlite:"+ref+"?mode=rwc")
	want := schemaOf(b, ref, "")
	type tool struct {
		name   string
		up     func(db string) []string
		ledger string
	}
	tools := []tool{{"dbprep", func(db string) []string {
		return []string{f.dbprep, "migrate", "run", "-D", "sqlite:" + db + "?mode=rwc"}
	}, "_sqlx_migrations"}}
	for _, p := range Peers {
		if os.Getenv("DBPREP_BENCH_PEERS") == "" {
			continue
		}
		bin := filepath.Join(os.Getenv("DBPREP_BENCH_PEERS"), map[string]string{"goose": "goose", "golang-migrate": "migrate", "dbmate": "dbmate"}[p.Name])
		if _, err := os.Stat(bin); err != nil {
			b.Logf("%s is not installed; left out", p.Name)
			continue
		}
		dir := filepath.Join(f.dir, p.Name)
		tools = append(tools, tool{p.Name, func(db string) []string { return p.Up(bin, dir, db) }, p.Ledger})
	}
	for _, t := range tools {
		check := filepath.Join(f.dir, t.name+"-check.db")
		runTool(b, f.dir, t.up(check)...)
		if got := schemaOf(b, check, t.ledger); got != want {
			b.Fatalf("%s leaves another schema:\n%s\nwant\n%s", t.name, got, want)
		}
		// Timed runs, then one more untimed under GNU time for the peak RSS.
		b.Run(fmt.Sprintf("n=%d/apply/%s", n(), t.name), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				runTool(b, f.dir, t.up(f.fresh(b, t.name+".db"))...)
			}
			db := f.fresh(b, t.name+".db")
			b.StopTimer()
			b.ReportMetric(float64(runRSS(b, f.dir, t.up(db)...)), "KiB-rss")
		})
		b.Run(fmt.Sprintf("n=%d/noop/%s", n(), t.name), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				runTool(b, f.dir, t.up(check)...)
			}
			b.StopTimer()
			b.ReportMetric(float64(runRSS(b, f.dir, t.up(check)...)), "KiB-rss")
		})
	}
}
