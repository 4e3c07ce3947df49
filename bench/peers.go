package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Peer is a migration tool users would pick instead of dbprep, run on the
// same generated SQL in its own file layout.
type Peer struct {
	Name string
	// Layout writes migration i (version v) into dir in the peer's format.
	Layout func(dir string, i int, v int64, sql string) error
	// Up is the command line applying every migration to the SQLite file db
	// (MySQLPeers: to the database at dsn, host:port/db).
	Up func(bin, dir, db string) []string
	// Ledger is the peer's own bookkeeping table, left out of comparisons.
	Ledger string
	// Bin is the program's file name in DBPREP_BENCH_PEERS.
	Bin string
	// Version is the peer's command line printing its version: the start-up
	// cost alone.
	Version []string
}

// Peers are the tools of the comparison, installed by bench/run.sh with
// `go install` at the versions it names.
var Peers = []Peer{
	{
		Name:    "goose",
		Layout:  gooseLayout,
		Up:      func(bin, dir, db string) []string { return []string{bin, "-dir", dir, "sqlite3", db, "up"} },
		Ledger:  "goose_db_version",
		Bin:     "goose",
		Version: []string{"--version"},
	},
	// goose as a user who needs only SQLite installs it (its drivers but
	// SQLite left out by build tags): a smaller program that starts faster.
	{
		Name:    "goose-sqlite",
		Layout:  gooseLayout,
		Up:      func(bin, dir, db string) []string { return []string{bin, "-dir", dir, "sqlite3", db, "up"} },
		Ledger:  "goose_db_version",
		Bin:     "goose-sqlite",
		Version: []string{"--version"},
	},
	{
		Name: "golang-migrate",
		Layout: func(dir string, i int, v int64, sql string) error {
			return os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d_step_%d.up.sql", v, i)), []byte(sql), 0o644)
		},
		Up: func(bin, dir, db string) []string {
			return []string{bin, "-path", dir, "-database", "sqlite://" + db, "up"}
		},
		Ledger:  "schema_migrations",
		Bin:     "migrate",
		Version: []string{"-version"},
	},
	{
		Name: "dbmate",
		Layout: func(dir string, i int, v int64, sql string) error {
			body := "-- migrate:up\n" + sql + "\n-- migrate:down\n"
			return os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d_step_%d.sql", v, i)), []byte(body), 0o644)
		},
		Up: func(bin, dir, db string) []string {
			return []string{bin, "--url", "sqlite:" + db, "--migrations-dir", dir, "--no-dump-schema", "up"}
		},
		Ledger:  "schema_migrations",
		Bin:     "dbmate",
		Version: []string{"--version"},
	},
}

// gooseLayout writes one goose migration: one statement block, as triggers
// hold ';' inside BEGIN … END.
func gooseLayout(dir string, i int, v int64, sql string) error {
	body := "-- +goose Up\n-- +goose StatementBegin\n" + sql + "-- +goose StatementEnd\n"
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d_step_%d.sql", v, i)), []byte(body), 0o644)
}

// GeneratePeers writes the n migrations of Generate in each peer's layout,
// under dir/<peer name>.
func GeneratePeers(dir string, n int) error {
	return generatePeers(dir, n, Peers, migrationSQL)
}

// generatePeers writes n migrations of sqlOf into dir/<peer> in each peer's
// layout.
func generatePeers(dir string, n int, peers []Peer, sqlOf func(int) string) error {
	for _, p := range peers {
		d := filepath.Join(dir, p.Name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := p.Layout(d, i, 20240101000000+int64(i), sqlOf(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// MySQLPeers are the peers on MySQL and MariaDB, built with their MySQL
// drivers (bench/run.sh): Up is the command line applying every migration
// to database db on the server at addr (host:port), as root without a
// password, over TCP as dbprep's URL says.
var MySQLPeers = []Peer{
	{
		Name:   "goose",
		Layout: gooseLayout,
		// A StatementBegin block is one query: multiStatements, as sqlx sends a file.
		Up: func(bin, dir, dsn string) []string {
			return []string{bin, "-dir", dir, "mysql", goDSN(dsn) + "?multiStatements=true", "up"}
		},
		Ledger: "goose_db_version",
		Bin:    "goose-mysql",
	},
	{
		Name:   "golang-migrate",
		Layout: Peers[2].Layout,
		Up: func(bin, dir, dsn string) []string {
			return []string{bin, "-path", dir, "-database", "mysql://" + goDSN(dsn) + "?multiStatements=true", "up"}
		},
		Ledger: "schema_migrations",
		Bin:    "migrate-mysql",
	},
	{
		Name:   "dbmate",
		Layout: Peers[3].Layout,
		Up: func(bin, dir, dsn string) []string {
			return []string{bin, "--url", "mysql://root@" + dsn, "--migrations-dir", dir, "--no-dump-schema", "up"}
		},
		Ledger: "schema_migrations",
		Bin:    "dbmate",
	},
}

// goDSN is go-sql-driver's DSN for host:port/db, as root.
func goDSN(dsn string) string {
	addr, db, _ := strings.Cut(dsn, "/")
	return "root@tcp(" + addr + ")/" + db
}

// GenerateMySQL writes n MySQL migrations into dir/migrations (dbprep's,
// sqlx's layout) and dir/<peer> for each of MySQLPeers.
func GenerateMySQL(dir string, n int) error {
	mig := filepath.Join(dir, "migrations")
	if err := os.MkdirAll(mig, 0o755); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%014d_step_%d.sql", 20240101000000+i, i)
		if err := os.WriteFile(filepath.Join(mig, name), []byte(mysqlSQL(i)), 0o644); err != nil {
			return err
		}
	}
	return generatePeers(dir, n, MySQLPeers, mysqlSQL)
}
