package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dbprep/dbprep/internal/testdb"
)

// BenchmarkMySQLPeers applies the same n migrations to one throwaway
// MariaDB server (over TCP on 127.0.0.1, as root) with dbprep and each
// peer of MySQLPeers that bench/run.sh installed: fresh (a new empty
// database each time, made before the time starts) and then with nothing
// to do, after checking that each leaves the schema dbprep leaves. The
// tools take turns, as in BenchmarkPeers; each one's median is <tool>-ms.
func BenchmarkMySQLPeers(b *testing.B) {
	f := setup(b)
	if err := GenerateMySQL(f.dir, n()); err != nil {
		b.Fatal(err)
	}
	srv := testdb.MySQL(b)
	addr := "127.0.0.1:" + strconv.Itoa(srv.Port)
	type tool struct {
		name, ledger string
		up           func(db string) []string
	}
	tools := []tool{{"dbprep", "_sqlx_migrations", func(db string) []string {
		return []string{f.dbprep, "migrate", "run", "--source", filepath.Join(f.dir, "migrations"), "-D", "mysql://root@" + addr + "/" + db}
	}}}
	if base := os.Getenv("DBPREP_BENCH_BASE"); base != "" {
		tools = append(tools, tool{"dbprep-base", "_sqlx_migrations", func(db string) []string {
			return []string{base, "migrate", "run", "--source", filepath.Join(f.dir, "migrations"), "-D", "mysql://root@" + addr + "/" + db}
		}})
	}
	for _, p := range MySQLPeers {
		bin := filepath.Join(os.Getenv("DBPREP_BENCH_PEERS"), p.Bin)
		if _, err := os.Stat(bin); os.Getenv("DBPREP_BENCH_PEERS") == "" || err != nil {
			b.Logf("%s (%s) is not installed; left out", p.Name, p.Bin)
			continue
		}
		dir := filepath.Join(f.dir, p.Name)
		tools = append(tools, tool{p.Name, p.Ledger, func(db string) []string { return p.Up(bin, dir, addr+"/"+db) }})
	}
	// Each tool's own database, for its check and its no-op runs.
	own := make([]string, len(tools))
	var want string
	for j, t := range tools {
		own[j] = srv.Fresh(b)
		runTool(b, f.dir, t.up(own[j])...)
		got := mysqlSchema(b, srv, own[j], t.ledger)
		if j == 0 {
			want = got
			b.Logf("each leaves %s", want)
		} else if got != want {
			b.Fatalf("%s leaves another schema:\n%s\nwant\n%s", t.name, got, want)
		}
	}
	names := make([]string, len(tools))
	for j, t := range tools {
		names[j] = t.name
	}
	fresh := make([]string, len(tools))
	b.Run(fmt.Sprintf("n=%d/apply", n()), func(b *testing.B) {
		timeTurns(b, f.dir, names, 1, func(j int) []string {
			// The last one's database is dropped as the next is made: a
			// thousand tables a database add up.
			if fresh[j] != "" {
				srv.Exec(b, "", "DROP DATABASE IF EXISTS `"+fresh[j]+"`")
			}
			fresh[j] = srv.Fresh(b)
			return tools[j].up(fresh[j])
		})
	})
	b.Run(fmt.Sprintf("n=%d/noop", n()), func(b *testing.B) {
		timeTurns(b, f.dir, names, noopRounds, func(j int) []string { return tools[j].up(own[j]) })
	})
}

// mysqlSchema counts what database db holds, the ledger aside: tables,
// views, indexes, triggers and rows of t0.
func mysqlSchema(b *testing.B, srv *testdb.MariaDB, db, ledger string) string {
	b.Helper()
	conn := srv.Query(b, db)
	var tables, views, indexes, triggers, rows int
	err := conn.QueryRow(`SELECT
		(SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name NOT IN (?, '_sqlx_migrations')),
		(SELECT count(*) FROM information_schema.views WHERE table_schema = ?),
		(SELECT count(DISTINCT table_name, index_name) FROM information_schema.statistics WHERE table_schema = ? AND table_name NOT IN (?, '_sqlx_migrations')),
		(SELECT count(*) FROM information_schema.triggers WHERE trigger_schema = ?)`,
		db, ledger, db, db, ledger, db).Scan(&tables, &views, &indexes, &triggers)
	if err != nil {
		b.Fatal(err)
	}
	if err := conn.QueryRow("SELECT count(*) FROM t0").Scan(&rows); err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("%d tables, %d views, %d indexes, %d triggers, %d rows in t0", tables, views, indexes, triggers, rows)
}
