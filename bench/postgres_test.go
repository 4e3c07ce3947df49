package bench

import (
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dbprep/dbprep/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// BenchmarkPostgres compares, in one run, applying n migrations to a local
// PostgreSQL server (a throwaway one, over TCP on 127.0.0.1): `dbprep
// migrate run` against psql running the same files, one transaction each,
// in one session. Each iteration starts from a new empty database; before
// the timings, both must leave the same tables, views and functions.
func BenchmarkPostgres(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Fatal("the baseline needs psql (apt-get install postgresql-client)")
	}
	dir := b.TempDir()
	if err := GeneratePostgres(dir, n()); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "dbprep")
	if out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "../cmd/dbprep").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	f := fixture{dir: dir, dbprep: bin}
	srv := testdb.Postgres(b)
	// The password travels in the environment only, never in arguments
	// (which a failure prints).
	env := func(raw string) []string {
		u, _ := url.Parse(raw)
		return []string{"DATABASE_URL=" + raw, "PGPASSWORD=" + srv.Password, "PGHOST=" + srv.Host,
			fmt.Sprintf("PGPORT=%d", srv.Port), "PGUSER=" + srv.User, "PGDATABASE=" + u.Path[1:]}
	}
	tools := []struct {
		name string
		args []string
	}{
		{"dbprep-migrate-run-postgres", []string{bin, "migrate", "run"}},
		{"psql-transaction-per-migration", []string{psql, "-X", "-q", "-f", "each.sql"}},
	}
	var schemas []string
	for _, tool := range tools {
		db := srv.Fresh(b)
		f.runEnv(b, env(db), tool.args...)
		schemas = append(schemas, pgSchema(b, db))
	}
	if schemas[0] != schemas[1] {
		b.Fatalf("the two leave different schemas:\ndbprep: %s\npsql:   %s", schemas[0], schemas[1])
	}
	b.Logf("both leave %s", schemas[0])
	for _, tool := range tools {
		b.Run(fmt.Sprintf("n=%d/%s", n(), tool.name), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := srv.Fresh(b)
				b.StartTimer()
				f.runEnv(b, env(db), tool.args...)
			}
		})
	}
}

// pgSchema summarises a database's public schema: how many tables, views,
// indexes, triggers and functions, and rows, the ledger left out.
func pgSchema(b *testing.B, dbURL string) string {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	err = conn.QueryRow(ctx, `SELECT format('%s relations by kind, %s triggers, %s functions',
		(SELECT string_agg(relkind::text || '=' || n, ' ' ORDER BY relkind) FROM (SELECT relkind, count(*) AS n FROM pg_class
			WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE '\_sqlx\_migrations%' GROUP BY relkind) k),
		(SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal),
		(SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace))`).Scan(&s)
	if err != nil {
		b.Fatal(err)
	}
	return s
}
