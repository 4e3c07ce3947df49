package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbprep/dbprep/internal/testdb"
)

func pgCount(t *testing.T, dbURL, query string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// The database commands quote names: one with quotes, spaces and semicolons.
func TestPostgresDatabaseCommands(t *testing.T) {
	srv := testdb.Postgres(t)
	name := `we"ird; DROP TABLE x; -- name`
	dbURL := strings.Replace(srv.URL("postgres"), "/postgres?", "/"+url.PathEscape(name)+"?", 1)
	dir := project(t, twoMigrations)
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + dbURL}}
	c.Run(t, "database", "setup").Want(t, 0, "Applied 20211209212234/migrate first", "Applied 20211209212255/migrate second")
	exists := fmt.Sprintf("SELECT count(*) FROM pg_database WHERE datname = '%s'", strings.ReplaceAll(name, "'", "''"))
	if pgCount(t, srv.URL("postgres"), exists) != 1 {
		t.Fatal("the database was not created under its exact name")
	}
	c.Run(t, "migrate", "check").Want(t, 0, "up to date: 2 migrations applied")
	c.Run(t, "migrate", "info", "--format", "json").Want(t, 0, `"up_to_date": true`)
	c.Run(t, "database", "create").Want(t, 0)
	c.Run(t, "database", "reset", "-y").Want(t, 0, "Applied 20211209212234/migrate first")
	// Another session holds the database: drop refuses, and the hint names
	// --force; with it, the session is ended and the database dropped.
	other, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Ping(); err != nil {
		t.Fatal(err)
	}
	c.Run(t, "database", "drop", "-y").Want(t, 1, "being accessed by other users", "hint: other sessions are connected to it", "--force")
	c.Run(t, "database", "drop", "-y", "--force").Want(t, 0)
	if pgCount(t, srv.URL("postgres"), exists) != 0 {
		t.Fatal("drop left the database")
	}
	c.Run(t, "migrate", "run").Want(t, 1, "does not exist")
}

// 8 processes run `migrate run` on one fresh database at once.
func TestPostgresConcurrentRuns(t *testing.T) {
	dbURL := testdb.Postgres(t).Fresh(t)
	files := map[string]string{}
	for i := 1; i <= 30; i++ {
		files[fmt.Sprintf("migrations/%03d_step.sql", i)] = fmt.Sprintf("CREATE TABLE t%d (x int);\nINSERT INTO t%d VALUES (%d);\n", i, i, i)
	}
	dir := project(t, files)
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + dbURL}}
	var wg sync.WaitGroup
	results := make([]result, 8)
	for i := range results {
		wg.Add(1)
		go func(i int) { defer wg.Done(); results[i] = c.Run(t, "migrate", "run") }(i)
	}
	wg.Wait()
	applied := 0
	for _, r := range results {
		r.Want(t, 0)
		applied += strings.Count(r.Stdout, "Applied ")
	}
	if applied != 30 {
		t.Errorf("migrations applied %d times in all, want 30 (each exactly once)", applied)
	}
	if n := pgCount(t, dbURL, "SELECT count(*) FROM _sqlx_migrations WHERE success"); n != 30 {
		t.Errorf("ledger rows %d, want 30", n)
	}
	c.Run(t, "migrate", "check").Want(t, 0)
}

func TestPostgresPasswordNeverPrinted(t *testing.T) {
	srv := testdb.Postgres(t)
	dbURL := srv.Fresh(t)
	wrong := strings.Replace(dbURL, srv.Password, "wr0ng-"+srv.Password, 1)
	dir := project(t, map[string]string{"migrations/1_a.sql": "CREATE TABLE a (x int);\n", "migrations/2_b.sql": "SELEKT;\n"})
	for _, u := range []string{dbURL, wrong} {
		for _, args := range [][]string{
			{"migrate", "run"}, {"migrate", "info"}, {"migrate", "info", "--format", "json"}, {"migrate", "check"},
			{"migrate", "revert"}, {"database", "create"}, {"database", "setup"}, {"migrate", "run", "--dry-run"},
			{"database", "reset", "-y"}, {"database", "drop", "-y", "--force"},
		} {
			r := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + u}}.Run(t, args...)
			if strings.Contains(r.Stdout+r.Stderr, srv.Password) {
				t.Errorf("dbprep %v printed the password:\n%s", args, r)
			}
		}
	}
	r := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + wrong}}.Run(t, "migrate", "run")
	r.Want(t, 1, "password authentication failed")
}

func TestPostgresConnectTimeout(t *testing.T) {
	dir := project(t, twoMigrations)
	r := cmd{Dir: dir}.Run(t, "migrate", "run", "--connect-timeout", "300ms", "-D", "postgres://u:pw-xyz@127.0.0.1:1/app")
	r.Want(t, 1, "connection refused", `database "app" as user "u"`)
	if strings.Contains(r.Stderr, "pw-xyz") {
		t.Error("password printed")
	}
}

func TestPostgresUnixSocket(t *testing.T) {
	srv := testdb.Postgres(t)
	srv.RequireOwn(t)
	tcp := srv.Fresh(t)
	name := tcp[strings.LastIndex(tcp, "/")+1 : strings.Index(tcp, "?")]
	dir := project(t, twoMigrations)
	cmd{Dir: dir, Env: []string{"DATABASE_URL=" + srv.SocketURL(name)}}.Run(t, "migrate", "run").Want(t, 0, "Applied 20211209212255/migrate second")
	if pgCount(t, tcp, "SELECT count(*) FROM _sqlx_migrations") != 2 {
		t.Error("the socket connection must reach the same database")
	}
}

// dbprep takes sqlx's advisory lock unless --no-lock: while another session
// holds it, a run waits; with --no-lock it goes ahead.
func TestPostgresLockAndNoLock(t *testing.T) {
	dbURL := testdb.Postgres(t).Fresh(t)
	dir := project(t, twoMigrations)
	name := dbURL[strings.LastIndex(dbURL, "/")+1 : strings.Index(dbURL, "?")]
	holder, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	if _, err := holder.Exec(context.Background(), "SELECT pg_advisory_lock($1)", lockKey(name)); err != nil {
		t.Fatal(err)
	}
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + dbURL}}
	r := c.Shell(t, "exec timeout 2", "migrate", "run")
	if r.Code != 124 || strings.Contains(r.Stdout, "Applied") {
		t.Fatalf("while the lock is held, a run must wait (timeout exits 124):\n%s", r)
	}
	c.Run(t, "migrate", "run", "--no-lock").Want(t, 0, "Applied 20211209212234/migrate first")
	holder.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lockKey(name))
	c.Run(t, "migrate", "check").Want(t, 0)
}

// lockKey is sqlx's key, computed here independently of the store package.
func lockKey(db string) int64 {
	var crc uint32 = 0xffffffff
	for _, b := range []byte(db) {
		crc ^= uint32(b)
		for i := 0; i < 8; i++ {
			if crc&1 == 1 {
				crc = crc>>1 ^ 0xedb88320
			} else {
				crc >>= 1
			}
		}
	}
	return 0x3d32ad9e * int64(^crc)
}

// Connection failures name the real cause — never sslmode=prefer's refused
// TLS attempt — with a hint for each; a wait for the server is not silent;
// a percent-encoded socket directory is a host.
func TestPostgresConnectFailures(t *testing.T) {
	srv := testdb.Postgres(t)
	dir := project(t, twoMigrations)
	base := fmt.Sprintf("postgres://%s:%s@%s/", srv.User, url.QueryEscape(srv.Password), srv.HostPort())
	r := cmd{Dir: dir}.Run(t, "migrate", "info", "-D", base+"no_such_db")
	r.Want(t, 1, `database "no_such_db" does not exist`, "hint: create it with `dbprep database create`")
	wrong := fmt.Sprintf("postgres://%s:wr0ng-pw@%s/postgres", srv.User, srv.HostPort())
	r2 := cmd{Dir: dir}.Run(t, "migrate", "info", "-D", wrong)
	r2.Want(t, 1, "password authentication failed", "hint: check the user name and password")
	for _, r := range []result{r, r2} {
		if strings.Contains(r.Stderr, "tls") {
			t.Errorf("the TLS fallback of sslmode=prefer is reported:\n%s", r)
		}
	}
	down := cmd{Dir: dir}.Run(t, "migrate", "info", "--connect-timeout", "4500ms", "-D", "postgres://u@127.0.0.1:1/app")
	down.Want(t, 1, "connection refused", "hint: is the server running")
	if !strings.Contains(down.Stderr, "waiting for the server at 127.0.0.1:1") || !strings.Contains(down.Stderr, "still waiting") {
		t.Errorf("waiting for the server said nothing:\n%s", down)
	}
	srv.RequireOwn(t)
	name := srv.Fresh(t)
	name = name[strings.LastIndex(name, "/")+1 : strings.Index(name, "?")]
	socket := fmt.Sprintf("postgres://postgres@%s:%d/%s", url.PathEscape(srv.Dir), srv.Port, name)
	if !strings.Contains(socket, "%2F") {
		t.Fatalf("the socket directory is not percent-encoded: %s", socket)
	}
	cmd{Dir: dir}.Run(t, "migrate", "run", "-D", socket).Want(t, 0, "Applied 20211209212255/migrate second")
}

// A -- no-transaction migration that fails leaves what ran before the
// failure: the hint says so and names the INVALID index a failed CREATE
// UNIQUE INDEX CONCURRENTLY leaves behind.
func TestNoTransactionFailureLeftovers(t *testing.T) {
	dbURL := testdb.Postgres(t).Fresh(t)
	dir := project(t, map[string]string{
		"migrations/1_a.sql":  "CREATE TABLE a (x int); INSERT INTO a VALUES (1), (1);\n",
		"migrations/2_ux.sql": "-- no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY a_ux ON a (x);\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + dbURL}}
	r := c.Run(t, "migrate", "run")
	r.Want(t, 1, "what ran before the failing statement stays", "INVALID index(es) public.a_ux", "DELETE FROM _sqlx_migrations WHERE version = 2")
	if strings.Contains(r.Stderr, "rolled back") {
		t.Errorf("the hint says the migration was rolled back:\n%s", r)
	}
	// Its row stays dirty, and check and info say what the migration left.
	c.Run(t, "migrate", "check").Want(t, 3, "dirty: migration 2 is partially applied", "index a_ux exists and is INVALID")
	c.Run(t, "migrate", "info").Want(t, 0, "2/dirty: partially applied", "index a_ux exists and is INVALID")
}

// SIGINT or SIGTERM during a long PostgreSQL migration: dbprep sends the
// server a cancel request, the statement stops and rolls back, the
// advisory lock is released, and dbprep says so and exits 130 / 143.
func TestPostgresInterruptCancels(t *testing.T) {
	srv := testdb.Postgres(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dbURL := srv.Fresh(t)
			dir := project(t, map[string]string{
				"migrations/1_a.sql":    "CREATE TABLE a (x int);\n",
				"migrations/2_slow.sql": "INSERT INTO a VALUES (1);\nSELECT pg_sleep(60);\n",
			})
			x := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + dbURL}}.Command("", "migrate", "run")
			var out, errb bytes.Buffer
			x.Stdout, x.Stderr = &out, &errb
			if err := x.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for pgCount(t, dbURL, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()") == 0 {
				if time.Now().After(deadline) {
					x.Process.Kill()
					t.Fatalf("the slow migration never started:\n%s", errb.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			x.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- x.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				x.Process.Kill()
				t.Fatal("dbprep did not end after the signal")
			}
			want := map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143}[sig]
			if code := x.ProcessState.ExitCode(); code != want {
				t.Errorf("exit %d, want %d:\n%s", code, want, errb.String())
			}
			if !strings.Contains(errb.String(), "interrupted by "+map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]) ||
				!strings.Contains(errb.String(), "rolled back") {
				t.Errorf("stderr does not say what happened:\n%s", errb.String())
			}
			if n := pgCount(t, dbURL, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()"); n != 0 {
				t.Error("the server still runs the statement")
			}
			if n := pgCount(t, dbURL, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"); n != 0 {
				t.Error("the advisory lock is still held")
			}
			if n := pgCount(t, dbURL, "SELECT count(*) FROM a"); n != 0 {
				t.Error("the interrupted migration's INSERT stayed")
			}
			if n := pgCount(t, dbURL, "SELECT count(*) FROM _sqlx_migrations"); n != 1 {
				t.Errorf("%d ledger rows, want 1", n)
			}
		})
	}
}
