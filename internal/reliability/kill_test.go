package reliability

import (
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

const workloadSize = 24

// target is one kind of database the kill test runs against.
type target struct {
	// fresh returns the URL of a new, empty database (for SQLite, made as
	// `database create` makes it, in WAL mode when wal is true).
	fresh    func(t *testing.T, wal bool) string
	snapshot func(t testing.TB, url string) snapshot
	// settle waits, after a kill, until the database has finished what the
	// killed process sent it: a PostgreSQL backend runs the statement it
	// was given (a COMMIT) to its end before it notices its client is gone.
	settle func(t *testing.T, url string)
	// files is the workload of n migrations in the engine's SQL; nil is
	// workload's.
	files func(n int) map[string]string
}

var sqliteTarget = target{
	fresh: func(t *testing.T, wal bool) string {
		url := "sqlite:" + filepath.Join(t.TempDir(), "db.sqlite3")
		flag := "--sqlite-create-db-wal=false"
		if wal {
			flag = "--sqlite-create-db-wal=true"
		}
		testbin.Cmd{}.Run(t, "database", "create", "-D", url, flag).Want(t, 0)
		return url
	},
	snapshot: func(t testing.TB, url string) snapshot { return sqliteSnapshot(t, strings.TrimPrefix(url, "sqlite:")) },
}

var postgresTarget = target{
	fresh:    func(t *testing.T, _ bool) string { return testdb.Postgres(t).Fresh(t) },
	snapshot: func(t testing.TB, url string) snapshot { return postgresSnapshot(t, url) },
	settle: func(t *testing.T, url string) {
		waitSessionsGone(t, openDB(t, "pgx", url), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	},
}

// waitSessionsGone waits, for up to a minute, until count (the other
// sessions on the database) is 0, and closes db: a server runs what a
// killed client sent it to its end before it notices the client is gone.
func waitSessionsGone(t *testing.T, db *sql.DB, count string) {
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := db.QueryRow(count).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed run's session is still open after a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// references snapshots the database after each prefix 0..n of the workload
// and times a whole run.
func references(t *testing.T, tg target, dir string) ([]snapshot, time.Duration) {
	refs := make([]snapshot, workloadSize+1)
	refs[0] = tg.snapshot(t, tg.fresh(t, false))
	var full time.Duration
	for k := 1; k <= workloadSize; k++ {
		url := tg.fresh(t, false)
		start := time.Now()
		testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}.Run(t, "migrate", "run", "--target-version", strconv.Itoa(k)).Want(t, 0)
		full = max(full, time.Since(start))
		refs[k] = tg.snapshot(t, url)
		if refs[k].Ledger != versionsUpTo(k) {
			t.Fatalf("reference %d: ledger %q", k, refs[k].Ledger)
		}
	}
	return refs, full
}

// killTrials kills `migrate run` at random moments and checks, after each
// kill, that every migration is applied with its row or not at all, that
// `migrate check` says so, and that a plain re-run finishes the job.
func killTrials(t *testing.T, tg target) {
	dir := testbin.Project(t, workload(workloadSize))
	refs, full := references(t, tg, dir)
	killedMidway := 0
	for trial := 0; trial < trials(); trial++ {
		url := tg.fresh(t, trial%2 == 0)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		proc := c.Command("", "migrate", "run")
		if err := proc.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full) + 1)))
		proc.Process.Signal(syscall.SIGKILL)
		proc.Wait()
		if tg.settle != nil {
			tg.settle(t, url)
		}

		got := tg.snapshot(t, url)
		k := strings.Count(got.Ledger, ",")
		if got.Ledger != versionsUpTo(k) {
			t.Fatalf("trial %d: the ledger %q is not a prefix of the migrations", trial, got.Ledger)
		}
		if got.Schema != refs[k].Schema {
			t.Fatalf("trial %d: with %d migrations recorded, schema and data differ from the reference: a migration is half applied or applied without its row", trial, k)
		}
		if k > 0 && k < workloadSize {
			killedMidway++
		}
		checkReports(t, c, k)
		c.Run(t, "migrate", "run").Want(t, 1, "while executing migration "+strconv.Itoa(workloadSize+1))
		if after := tg.snapshot(t, url); after != refs[workloadSize] {
			t.Fatalf("trial %d: the re-run did not finish the job: %+v", trial, after)
		}
	}
	t.Logf("%d trials, %d killed part-way through", trials(), killedMidway)
	if killedMidway == 0 {
		t.Error("no trial killed the run part-way through: the test proved nothing")
	}
}

// checkReports runs `migrate check --format json` and compares its counts.
func checkReports(t *testing.T, c testbin.Cmd, installed int) {
	t.Helper()
	r := c.Run(t, "migrate", "check", "--format", "json")
	var st struct {
		Counts map[string]int `json:"counts"`
		Dirty  *int64         `json:"dirty"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || r.Code != 3 {
		t.Fatalf("migrate check: %v\n%s", err, r)
	}
	if st.Counts["installed"] != installed || st.Counts["pending"] != workloadSize+1-installed || st.Dirty != nil {
		t.Fatalf("migrate check says %+v, the ledger holds %d", st, installed)
	}
}

func TestKillMigrateRunSQLite(t *testing.T)   { killTrials(t, sqliteTarget) }
func TestKillMigrateRunPostgres(t *testing.T) { killTrials(t, postgresTarget) }
