package reliability

import (
	"strings"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

// The PostgreSQL server goes away in the middle of a migration: a clear
// error, no half-applied migration, no advisory lock left once the server
// is back, and a re-run finishes the job.
func TestPostgresServerGoesAway(t *testing.T) {
	srv := testdb.NewPostgres(t)
	url := srv.Fresh(t)
	dir := testbin.Project(t, map[string]string{
		"migrations/1_first.sql": "CREATE TABLE first (x int);\n",
		"migrations/2_slow.sql":  "CREATE TABLE slow (x int);\nINSERT INTO slow VALUES (1);\nSELECT pg_sleep(3);\nINSERT INTO slow VALUES (2);\n",
		"migrations/3_last.sql":  "CREATE TABLE last (x int);\n",
	})
	c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
	proc := c.Command("", "migrate", "run", "--connect-timeout", "1s")
	var out strings.Builder
	proc.Stdout, proc.Stderr = &out, &out
	proc.Start()
	time.Sleep(1500 * time.Millisecond)
	srv.Crash()
	err := proc.Wait()
	t.Logf("dbprep said:\n%s", out.String())
	if err == nil || !strings.Contains(out.String(), "Applied 1/migrate first") || !strings.Contains(out.String(), "while executing migration 2") ||
		!strings.Contains(out.String(), "connection to the database server was lost") || !strings.Contains(out.String(), "Run again once the server is back") {
		t.Fatalf("want migration 1 applied and a clear error on 2, got %v:\n%s", err, out.String())
	}
	if strings.Contains(out.String(), srv.Password) || strings.Contains(out.String(), "panic") {
		t.Fatalf("output:\n%s", out.String())
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	got := postgresSnapshot(t, url)
	if got.Ledger != "1," {
		t.Errorf("ledger after the crash: %q, want only 1", got.Ledger)
	}
	if tableExists(t, postgresTarget, url, "slow") {
		t.Error("the interrupted migration left its table")
	}
	db := openDB(t, "pgx", url)
	var locks int
	db.QueryRow("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").Scan(&locks)
	db.Close()
	if locks != 0 {
		t.Errorf("%d advisory locks left", locks)
	}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 2/migrate slow", "Applied 3/migrate last")
}

// The server is not up yet when setup starts; the connect retry waits for it.
func TestPostgresSetupWaitsForServer(t *testing.T) {
	srv := testdb.NewPostgres(t)
	url := srv.Fresh(t)
	srv.Crash()
	dir := testbin.Project(t, map[string]string{"migrations/1_first.sql": "CREATE TABLE first (x int);\n"})
	c := testbin.Cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
	proc := c.Command("", "database", "setup", "--connect-timeout", "20s")
	var out strings.Builder
	proc.Stdout, proc.Stderr = &out, &out
	proc.Start()
	time.Sleep(time.Second)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if err := proc.Wait(); err != nil || !strings.Contains(out.String(), "Applied 1/migrate first") {
		t.Fatalf("setup while the server starts: %v\n%s", err, out.String())
	}
}
