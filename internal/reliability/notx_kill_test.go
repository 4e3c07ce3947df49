package reliability

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

// noTxKillTrials is how many kills the no-transaction test makes: at least
// 30, more with DBPREP_TRIALS.
func noTxKillTrials() int { return max(30, trials()/3) }

// A `-- no-transaction` migration (CREATE INDEX CONCURRENTLY, which goes on
// in the server after its client dies) is killed at random moments. After
// each kill the ledger tells the truth: no row means no index, a row with
// success means a valid index, and a dirty row (started, not finished) may
// mean anything; `migrate check` reports exactly that, and what the index is.
func TestKillNoTransactionPostgres(t *testing.T) {
	dir := testbin.Project(t, map[string]string{
		"migrations/1_k.sql":   "CREATE TABLE k (x int);\nINSERT INTO k SELECT g FROM generate_series(1, 300000) g;\n",
		"migrations/2_k_x.sql": "-- no-transaction\nCREATE INDEX CONCURRENTLY k_x ON k (x);\n",
	})
	server := testdb.Postgres(t)
	var full time.Duration
	for i := 0; i < 3; i++ {
		url := server.Fresh(t)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		c.Run(t, "migrate", "run", "--target-version", "1").Want(t, 0)
		start := time.Now()
		c.Run(t, "migrate", "run").Want(t, 0)
		full = max(full, time.Since(start))
	}
	seen := map[string]int{}
	for trial := 0; trial < noTxKillTrials(); trial++ {
		url := server.Fresh(t)
		c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
		c.Run(t, "migrate", "run", "--target-version", "1").Want(t, 0)
		proc := c.Command("", "migrate", "run")
		if err := proc.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(full)*5/4 + 1)))
		proc.Process.Signal(syscall.SIGKILL)
		proc.Wait()
		postgresTarget.settle(t, url)

		row, index := noTxState(t, url)
		seen[row+"/"+index]++
		switch {
		case row == "none" && index != "absent", row == "applied" && index != "valid":
			t.Fatalf("trial %d: ledger row %s but index %s: the ledger does not tell the truth", trial, row, index)
		}
		checkNoTx(t, c, trial, row, index)
	}
	t.Logf("%d kills; ledger row/index: %v", noTxKillTrials(), seen)
	if seen["dirty/valid"]+seen["dirty/invalid"]+seen["dirty/absent"] == 0 {
		t.Error("no kill landed while the index was being built: the test proved nothing")
	}
}

// noTxState reads migration 2's ledger row (none, applied, dirty) and the
// index it builds (absent, valid, invalid).
func noTxState(t *testing.T, url string) (row, index string) {
	db := openDB(t, "pgx", url)
	defer db.Close()
	var success bool
	switch err := db.QueryRow("SELECT success FROM _sqlx_migrations WHERE version = 2").Scan(&success); {
	case errors.Is(err, sql.ErrNoRows):
		row = "none"
	case err != nil:
		t.Fatal(err)
	case success:
		row = "applied"
	default:
		row = "dirty"
	}
	var valid bool
	switch err := db.QueryRow("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('k_x')").Scan(&valid); {
	case errors.Is(err, sql.ErrNoRows):
		index = "absent"
	case err != nil:
		t.Fatal(err)
	case valid:
		index = "valid"
	default:
		index = "invalid"
	}
	return row, index
}

// checkNoTx runs `migrate check --format json` and compares it with the
// ledger row and the index.
func checkNoTx(t *testing.T, c testbin.Cmd, trial int, row, index string) {
	t.Helper()
	r := c.Run(t, "migrate", "check", "--format", "json")
	var st struct {
		Counts    map[string]int `json:"counts"`
		Dirty     *int64         `json:"dirty"`
		DirtyLeft []string       `json:"dirty_left"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil {
		t.Fatalf("trial %d: migrate check: %v\n%s", trial, err, r)
	}
	ok := false
	switch row {
	case "none":
		ok = r.Code == 3 && st.Dirty == nil && st.Counts["pending"] == 1
	case "applied":
		ok = r.Code == 0 && st.Dirty == nil && st.Counts["installed"] == 2
	case "dirty":
		ok = r.Code == 3 && st.Dirty != nil && *st.Dirty == 2 && len(st.DirtyLeft) == 1 &&
			strings.HasPrefix(st.DirtyLeft[0], "index k_x "+map[string]string{"absent": "is absent", "valid": "exists and is valid", "invalid": "exists and is INVALID"}[index])
	}
	if !ok {
		t.Fatalf("trial %d: ledger row %s, index %s, but migrate check says:\n%s", trial, row, index, r)
	}
}
