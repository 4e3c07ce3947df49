package bench

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
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

// runRSS runs argv and returns its peak resident set in KiB.
func runRSS(b *testing.B, dir string, argv ...string) int64 {
	b.Helper()
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, out)
	}
	return c.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
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
		runRSS(b, f.dir, t.up(check)...)
		if got := schemaOf(b, check, t.ledger); got != want {
			b.Fatalf("%s leaves another schema:\n%s\nwant\n%s", t.name, got, want)
		}
		b.Run(fmt.Sprintf("n=%d/apply/%s", n(), t.name), func(b *testing.B) {
			var rss int64
			for i := 0; i < b.N; i++ {
				rss = max(rss, runRSS(b, f.dir, t.up(f.fresh(b, t.name+".db"))...))
			}
			b.ReportMetric(float64(rss), "KiB-rss")
		})
		b.Run(fmt.Sprintf("n=%d/noop/%s", n(), t.name), func(b *testing.B) {
			var rss int64
			for i := 0; i < b.N; i++ {
				rss = max(rss, runRSS(b, f.dir, t.up(check)...))
			}
			b.ReportMetric(float64(rss), "KiB-rss")
		})
	}
}
