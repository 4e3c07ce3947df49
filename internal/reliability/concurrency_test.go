package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

// runAtOnce starts n copies of dbprep with args and waits for them all.
func runAtOnce(t *testing.T, c testbin.Cmd, n int, args ...[]string) []testbin.Result {
	t.Helper()
	results := make([]testbin.Result, n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = c.Run(t, args[i%len(args)]...)
		}(i)
	}
	wg.Wait()
	return results
}

func concurrentRounds(t *testing.T, tg target) {
	const n = 12
	files := workload(n)
	if tg.files != nil {
		files = tg.files(n)
	}
	delete(files, fmt.Sprintf("migrations/%04d_fails.sql", n+1))
	dir := testbin.Project(t, files)
	var want snapshot
	for round := 0; round < 20; round++ {
		url := tg.fresh(t, round%2 == 0)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		applied := 0
		for _, r := range runAtOnce(t, c, 8, []string{"migrate", "run"}) {
			if r.Code != 0 {
				t.Fatalf("round %d: a process failed:\n%s", round, r)
			}
			applied += strings.Count(r.Stdout, "Applied ")
		}
		got := tg.snapshot(t, url)
		if applied != n || got.Ledger != versionsUpTo(n) {
			t.Fatalf("round %d: %d applies in all, ledger %q; want each of %d exactly once", round, applied, got.Ledger, n)
		}
		if round == 0 {
			want = got
		} else if got != want {
			t.Fatalf("round %d: the database differs from round 0's", round)
		}
	}
}

// 8 processes run `migrate run` on one database at once, 20 rounds.
func TestConcurrentRunsSQLite(t *testing.T)   { concurrentRounds(t, sqliteTarget) }
func TestConcurrentRunsPostgres(t *testing.T) { concurrentRounds(t, postgresTarget) }

// `migrate run` and `migrate revert` racing end in a state `migrate check`
// accepts: nothing dirty, modified or missing, and each table exists
// exactly when its migration is in the ledger.
func raceRunRevert(t *testing.T, tg target) {
	files := map[string]string{}
	for i := 1; i <= 8; i++ {
		files[fmt.Sprintf("migrations/%d_r%d.up.sql", i, i)] = fmt.Sprintf("CREATE TABLE r%d (id INTEGER PRIMARY KEY);\nINSERT INTO r%d VALUES (1);\n", i, i)
		files[fmt.Sprintf("migrations/%d_r%d.down.sql", i, i)] = fmt.Sprintf("DROP TABLE r%d;\n", i)
	}
	dir := testbin.Project(t, files)
	for round := 0; round < 20; round++ {
		url := tg.fresh(t, round%2 == 0)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		c.Run(t, "migrate", "run").Want(t, 0)
		for _, r := range runAtOnce(t, c, 4, []string{"migrate", "revert", "--target-version", "0"}, []string{"migrate", "run"}) {
			if r.Code != 0 {
				t.Fatalf("round %d:\n%s", round, r)
			}
		}
		r := c.Run(t, "migrate", "check", "--format", "json")
		var st struct {
			Dirty      *int64 `json:"dirty"`
			Migrations []struct {
				Version int64  `json:"version"`
				State   string `json:"state"`
			} `json:"migrations"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || st.Dirty != nil {
			t.Fatalf("round %d: %v\n%s", round, err, r)
		}
		var ledger bytes.Buffer
		for _, m := range st.Migrations {
			if m.State != "installed" && m.State != "pending" {
				t.Fatalf("round %d: migration %d is %s", round, m.Version, m.State)
			}
			if m.State == "installed" {
				fmt.Fprintf(&ledger, "%d,", m.Version)
			}
		}
		tables := tableSet(t, tg, url)
		if tables != ledger.String() {
			t.Fatalf("round %d: tables %q but ledger %q", round, tables, ledger.String())
		}
	}
}

// tableSet lists i for each table r<i>, as "1,3,".
func tableSet(t *testing.T, tg target, url string) string { return tableSetN(t, tg, url, 8) }

// tableSetN is tableSet for tables r1..r<n>.
func tableSetN(t *testing.T, tg target, url string, n int) string {
	var out strings.Builder
	for i := 1; i <= n; i++ {
		if tableExists(t, tg, url, fmt.Sprintf("r%d", i)) {
			fmt.Fprintf(&out, "%d,", i)
		}
	}
	return out.String()
}

func tableExists(t *testing.T, tg target, url, table string) bool {
	driver, dsn, q := "pgx", url, "SELECT count(*) FROM information_schema.tables WHERE table_name = $1"
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		driver, dsn, q = "sqlite", "file:"+strings.TrimPrefix(url, "sqlite:"), "SELECT count(*) FROM sqlite_master WHERE name = ?"
	case strings.HasPrefix(url, "mysql:"):
		driver, dsn, q = "mysql", mysqlDSN(t, url), "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
	}
	db := openDB(t, driver, dsn)
	defer db.Close()
	var n int
	if err := db.QueryRow(q, table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestRunRevertRaceSQLite(t *testing.T)   { raceRunRevert(t, sqliteTarget) }
func TestRunRevertRacePostgres(t *testing.T) { raceRunRevert(t, postgresTarget) }

// 8 `migrate run` and 4 `migrate revert` (each: the latest) race on one
// database, 10 rounds: every process succeeds, and after every round the
// ledger is a prefix of the migrations (a revert that planned before a run
// applied more must not revert what is no longer the latest, leaving a
// hole) and the tables match it.
func raceRunsRevertsLatest(t *testing.T, tg target) {
	const n = 12
	files := map[string]string{}
	for i := 1; i <= n; i++ {
		files[fmt.Sprintf("migrations/%d_r%d.up.sql", i, i)] = fmt.Sprintf("CREATE TABLE r%d (id INTEGER PRIMARY KEY);\nINSERT INTO r%d VALUES (1);\n", i, i)
		files[fmt.Sprintf("migrations/%d_r%d.down.sql", i, i)] = fmt.Sprintf("DROP TABLE r%d;\n", i)
	}
	dir := testbin.Project(t, files)
	for round := 0; round < 10; round++ {
		url := tg.fresh(t, true)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		c.Run(t, "migrate", "run", "--target-version", "7").Want(t, 0)
		args := [][]string{{"migrate", "run"}, {"migrate", "run"}, {"migrate", "revert"}}
		for _, r := range runAtOnce(t, c, 12, args...) {
			if r.Code != 0 {
				t.Fatalf("round %d:\n%s", round, r)
			}
		}
		got := tg.snapshot(t, url)
		k := strings.Count(got.Ledger, ",")
		if got.Ledger != versionsUpTo(k) {
			t.Fatalf("round %d: the ledger %q has a hole: it is not a prefix of the migrations", round, got.Ledger)
		}
		if tables := tableSetN(t, tg, url, n); tables != versionsUpTo(k) {
			t.Fatalf("round %d: tables %q but ledger %q", round, tables, got.Ledger)
		}
	}
}

func TestRunsRevertsLatestSQLite(t *testing.T)   { raceRunsRevertsLatest(t, sqliteTarget) }
func TestRunsRevertsLatestPostgres(t *testing.T) { raceRunsRevertsLatest(t, postgresTarget) }
