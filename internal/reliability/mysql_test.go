package reliability

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the "mysql" driver, for inspection

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

var mysqlTarget = target{
	fresh:    func(t *testing.T, _ bool) string { srv := testdb.MySQL(t); return srv.URL(srv.Fresh(t)) },
	snapshot: func(t testing.TB, url string) snapshot { return mysqlSnapshot(t, url) },
	settle: func(t *testing.T, url string) {
		waitSessionsGone(t, openDB(t, "mysql", mysqlDSN(t, url)), "SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()")
	},
	files: mysqlWorkload,
}

// mysqlWorkload is workload's migrations in MySQL's SQL (MariaDB's
// sequence tables for the rows; || concatenates in sqlx's session).
func mysqlWorkload(n int) map[string]string {
	return workloadWith(n, "CREATE TABLE %[1]s (id INTEGER PRIMARY KEY, v VARCHAR(40) NOT NULL);\n"+
		"INSERT INTO %[1]s (id, v) SELECT seq, 'row ' || seq FROM seq_1_to_4000;\n")
}

// mysqlDSN is go-sql-driver's DSN for a mysql:// URL.
func mysqlDSN(t testing.TB, url string) string {
	u, err := dburl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	return ledger.MySQL.DSN("mysql", u)
}

// mysqlSnapshot reads a MySQL database: columns, indexes, views, every
// table's rows, and the ledger's successful versions.
func mysqlSnapshot(t testing.TB, url string) snapshot {
	t.Helper()
	conn := openDB(t, "mysql", mysqlDSN(t, url))
	defer conn.Close()
	db := readTx(t, conn, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	defer db.Rollback()
	parts := queryStrings(t, db, `SELECT CONCAT(table_name, '.', column_name, ' ', column_type, ' ', coalesce(column_default, ''))
		FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> '_sqlx_migrations' ORDER BY 1`)
	parts = append(parts, queryStrings(t, db, "SELECT CONCAT(table_name, ' ', index_name, ' ', column_name) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name <> '_sqlx_migrations' ORDER BY 1")...)
	// A view's definition names its database: each test's is another.
	parts = append(parts, queryStrings(t, db, "SELECT CONCAT(table_name, ' ', REPLACE(view_definition, CONCAT('`', DATABASE(), '`.'), '')) FROM information_schema.views WHERE table_schema = DATABASE() ORDER BY 1")...)
	for _, table := range queryStrings(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1") {
		parts = append(parts, table+"="+tableData(t, db, table))
	}
	s := snapshot{Schema: hashOf(parts)}
	var n int
	if db.QueryRowContext(context.Background(), "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_sqlx_migrations'").Scan(&n) == nil && n > 0 {
		s.Ledger = strings.Join(queryStrings(t, db, "SELECT CONCAT(version, ',') FROM _sqlx_migrations WHERE success ORDER BY version"), "")
	}
	return s
}

func TestConcurrentRunsMySQL(t *testing.T)    { concurrentRounds(t, mysqlTarget) }
func TestRunRevertRaceMySQL(t *testing.T)     { raceRunRevert(t, mysqlTarget) }
func TestRunsRevertsLatestMySQL(t *testing.T) { raceRunsRevertsLatest(t, mysqlTarget) }

// SIGKILL at random moments of `migrate run` on MariaDB: MySQL commits a
// migration's DDL as it runs, so a kill can leave the migration in part,
// with its row dirty (success = false), exactly as sqlx leaves it. After
// each kill: the successful rows are a prefix; at most the next migration
// is dirty, and then `migrate check` says so (exit 3, "dirty"), and `migrate
// run` refuses; the database without a dirty row is a reference prefix's;
// and the way out the hint gives (undo what it left, delete the row) lets a
// plain re-run finish the job.
func TestKillMigrateRunMySQL(t *testing.T) {
	const n = 12
	dir := testbin.Project(t, mysqlWorkload(n))
	refs := make([]snapshot, n+1)
	refs[0] = mysqlSnapshot(t, mysqlTarget.fresh(t, false))
	var full time.Duration
	for k := 1; k <= n; k++ {
		url := mysqlTarget.fresh(t, false)
		start := time.Now()
		testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}.Run(t, "migrate", "run", "--target-version", strconv.Itoa(k)).Want(t, 0)
		full = max(full, time.Since(start))
		refs[k] = mysqlSnapshot(t, url)
	}
	trialCount := min(trials(), 30)
	midway, dirty := 0, 0
	for trial := 0; trial < trialCount; trial++ {
		url := mysqlTarget.fresh(t, false)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		proc := c.Command("", "migrate", "run", "--target-version", strconv.Itoa(n))
		if err := proc.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full) + 1)))
		proc.Process.Signal(syscall.SIGKILL)
		proc.Wait()
		mysqlTarget.settle(t, url)
		got := mysqlSnapshot(t, url)
		k := strings.Count(got.Ledger, ",")
		if got.Ledger != versionsUpTo(k) {
			t.Fatalf("trial %d: the successful rows %q are not a prefix", trial, got.Ledger)
		}
		if k > 0 && k < n {
			midway++
		}
		db := openDB(t, "mysql", mysqlDSN(t, url))
		var dirtyRows []int64
		if rows, err := db.Query("SELECT version FROM _sqlx_migrations WHERE NOT success ORDER BY version"); err == nil {
			for rows.Next() {
				var v int64
				rows.Scan(&v)
				dirtyRows = append(dirtyRows, v)
			}
			rows.Close()
		}
		r := c.Run(t, "migrate", "check", "--format", "json")
		var st struct {
			Dirty *int64 `json:"dirty"`
		}
		json.Unmarshal([]byte(r.Stdout), &st)
		switch {
		case len(dirtyRows) > 1 || len(dirtyRows) == 1 && dirtyRows[0] != int64(k+1):
			t.Fatalf("trial %d: dirty rows %v after %d successful ones", trial, dirtyRows, k)
		case len(dirtyRows) == 1:
			dirty++
			if st.Dirty == nil || *st.Dirty != dirtyRows[0] || r.Code != 3 {
				t.Fatalf("trial %d: migration %d is dirty, and migrate check says %+v (exit %d)", trial, dirtyRows[0], st, r.Code)
			}
			c.Run(t, "migrate", "run").Want(t, 1, "migration "+strconv.FormatInt(dirtyRows[0], 10)+" is partially applied")
			// The way out: undo what the dirty migration left (the
			// reference before it), then delete its row.
			restoreTo(t, db, dirtyRows[0])
		default:
			if got.Schema != refs[k].Schema {
				t.Fatalf("trial %d: no dirty row, %d recorded, but the database is not the reference's", trial, k)
			}
			if st.Dirty != nil {
				t.Fatalf("trial %d: migrate check says %d is dirty; no row is", trial, *st.Dirty)
			}
		}
		db.Close()
		c.Run(t, "migrate", "run", "--target-version", strconv.Itoa(n)).Want(t, 0)
		if after := mysqlSnapshot(t, url); after != refs[n] {
			t.Fatalf("trial %d: the re-run did not finish the job", trial)
		}
	}
	t.Logf("%d trials, %d killed part-way through, %d left a dirty row", trialCount, midway, dirty)
	if midway == 0 {
		t.Error("no trial killed the run part-way through: the test proved nothing")
	}
}

// restoreTo undoes what migration v, dirty, left
// (its step of mysqlWorkload), and deletes its row: the hint's first way.
func restoreTo(t *testing.T, db *sql.DB, v int64) {
	t.Helper()
	table := fmt.Sprintf("t%d", (v-1)/4)
	var undo []string
	switch (v - 1) % 4 {
	case 0:
		undo = []string{"DROP TABLE IF EXISTS " + table}
	case 1:
		undo = []string{"ALTER TABLE " + table + " DROP COLUMN IF EXISTS w"}
	case 2:
		// The DELETE may have run: only a re-creation of its rows undoes
		// it; the reference says which rows the table had.
		undo = []string{"DROP INDEX IF EXISTS " + table + "_v ON " + table,
			"INSERT IGNORE INTO " + table + " (id, v, w) SELECT seq, CONCAT('row ', seq), seq * 2 FROM seq_1_to_4000"}
	default:
		undo = []string{"DROP VIEW IF EXISTS " + table + "_small"}
	}
	for _, s := range append(undo, fmt.Sprintf("DELETE FROM _sqlx_migrations WHERE version = %d", v)) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
