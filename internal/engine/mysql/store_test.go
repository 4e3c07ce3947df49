package mysql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine/mysql"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
	"github.com/dbprep/dbprep/internal/store/storetest"
	"github.com/dbprep/dbprep/internal/testdb"
)

var ctx = context.Background()

func TestMain(m *testing.M) { testdb.Main(m) }

func openMySQL(t *testing.T, raw string, opts store.Options) *mysql.Store {
	t.Helper()
	u, err := dburl.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	st, err := mysql.Open(ctx, mysql.Config{Conn: u.MySQL, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mysqlHarness() storetest.Harness {
	return storetest.Harness{
		Fresh: func(t *testing.T) (func(t *testing.T) store.Store, *sql.DB) {
			srv := testdb.MySQL(t)
			db := srv.Fresh(t)
			return func(t *testing.T) store.Store { return openMySQL(t, srv.URL(db), store.Options{}) }, srv.Query(t, db)
		},
		TableExists: storetest.MySQLTableExists,
		Placeholder: storetest.MySQLPlaceholder,
		DDLCommits:  true,
		Locks:       true,
	}
}

func TestMySQLSuite(t *testing.T) { storetest.Run(t, mysqlHarness()) }

// The ledger as sqlx creates it on MySQL, and the rows sqlx writes: the
// same SHOW CREATE TABLE as sqlx's DDL gives on this server.
func TestMySQLLedgerExactly(t *testing.T) {
	srv := testdb.MySQL(t)
	db := srv.Fresh(t)
	st := openMySQL(t, srv.URL(db), store.Options{})
	m := storetest.ApplyOne(t, st, "CREATE TABLE users (favorite_song TEXT);\n")
	q := srv.Query(t, db)
	var name, got string
	if err := q.QueryRow("SHOW CREATE TABLE _sqlx_migrations").Scan(&name, &got); err != nil {
		t.Fatal(err)
	}
	other := srv.Fresh(t)
	srv.Exec(t, other, strings.ReplaceAll(ledger.MySQLLedgerDDL, "%s", "_sqlx_migrations"))
	var want string
	if err := srv.Query(t, other).QueryRow("SHOW CREATE TABLE _sqlx_migrations").Scan(&name, &want); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("ledger:\n%s\nsqlx's:\n%s", got, want)
	}
	var version, execTime int64
	var desc string
	var success bool
	var sum []byte
	if err := q.QueryRow("SELECT version, description, success, checksum, execution_time FROM _sqlx_migrations").Scan(&version, &desc, &success, &sum, &execTime); err != nil {
		t.Fatal(err)
	}
	if version != m.Version || desc != m.Description || !success || string(sum) != string(m.Checksum) || execTime < 0 {
		t.Errorf("row: %d %q %v %x %d", version, desc, success, sum, execTime)
	}
}

// sqlx's lock names: lower-case hex of the PostgreSQL key, no padding.
func TestMySQLLockName(t *testing.T) {
	for db, want := range map[string]string{"app": "3027310f4fd382c2", "postgres": "51e9f9b8b23ab36", "mydb": "41192d0bee404ac", "my-app": "23a5a3bc178d2012", "": "0"} {
		if got := ledger.MySQLLockName(db); got != want {
			t.Errorf("MySQLLockName(%q) = %s, want %s", db, got, want)
		}
	}
}

// What MySQL would fail on half-way is refused before anything runs: a
// DELIMITER line, an empty file, a description a latin1 ledger cannot
// store; each error names the file and the version.
func TestMySQLPrecheck(t *testing.T) {
	srv := testdb.MySQL(t)
	for _, tt := range []struct {
		file, desc, sql, charset, want string
	}{
		{"2_proc.sql", "proc", "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\n", "", "2_proc.sql:1: migration 2 has a DELIMITER line"},
		{"2_empty.sql", "empty", "-- Add migration script here\n# and a MySQL comment\n", "", "2_empty.sql: migration 2 has no SQL statement"},
		{"2_añadir_用户.sql", "añadir 用户", "CREATE TABLE u (id INT);\n", "latin1", `migration 2's description "añadir 用户" holds "用"`},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			db := srv.Fresh(t)
			if tt.charset != "" {
				srv.Exec(t, "", "ALTER DATABASE `"+db+"` CHARACTER SET "+tt.charset)
			}
			st := openMySQL(t, srv.URL(db), store.Options{})
			ms := []migration.Migration{
				simple(1, "first", "CREATE TABLE first (id INT);\n", "1_first.sql"),
				simple(2, tt.desc, tt.sql, tt.file),
			}
			_, err := (&migrate.Migrator{Store: st, Migrations: ms}).Run(ctx, migrate.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nothing was run") {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if storetest.MySQLTableExists(t, srv.Query(t, db), "first") {
				t.Error("migration 1 ran before the refusal")
			}
		})
	}
}

// sqlx's lock, taken for real on MariaDB (where GET_LOCK(name, -1) takes
// none): 8 runners at once apply each migration exactly once.
func TestMySQLConcurrentRunners(t *testing.T) {
	srv := testdb.MySQL(t)
	db := srv.Fresh(t)
	var ms []migration.Migration
	for v := int64(1); v <= 12; v++ {
		sql := fmt.Sprintf("CREATE TABLE t%d (id INT);\nINSERT INTO counts VALUES (%d);\n", v, v)
		if v == 1 {
			sql = "CREATE TABLE counts (v INT);\n"
		}
		ms = append(ms, simple(v, fmt.Sprint("m", v), sql, fmt.Sprintf("%d_m.sql", v)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, _ := dburl.Parse(srv.URL(db))
			st, err := mysql.Open(ctx, mysql.Config{Conn: u.MySQL})
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			_, err = (&migrate.Migrator{Store: st, Migrations: ms}).Run(ctx, migrate.Options{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	q := srv.Query(t, db)
	var rows, distinct, ledgerRows int
	q.QueryRow("SELECT count(*), count(DISTINCT v) FROM counts").Scan(&rows, &distinct)
	q.QueryRow("SELECT count(*) FROM _sqlx_migrations WHERE success").Scan(&ledgerRows)
	if rows != 11 || distinct != 11 || ledgerRows != 12 {
		t.Errorf("counts has %d rows (%d distinct), the ledger %d: want each migration applied once", rows, distinct, ledgerRows)
	}
}

// simple is a migration of sql, as Resolve reads one from file.
func simple(version int64, desc, sql, file string) migration.Migration {
	return migration.Migration{
		Name:     migration.Name{Version: version, Type: migration.Simple, Description: desc},
		File:     "migrations/" + file,
		SQL:      sql,
		Checksum: migration.Checksum(sql, nil),
	}
}

// The schema holds routines, triggers and events as well as tables and
// views, in an order that loads into an empty database (as one
// multi-statement query, as a migration is sent), which then prints the
// same schema; an event's STARTS (its creation time when none is given)
// is left out, so a second dump is the same text.
func TestMySQLSchemaRoutinesTriggersEvents(t *testing.T) {
	srv := testdb.MySQL(t)
	db := srv.Fresh(t)
	st := openMySQL(t, srv.URL(db), store.Options{})
	storetest.ApplyOne(t, st, `CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL, n INT NOT NULL DEFAULT 0 COMMENT 'was AUTO_INCREMENT=7');
INSERT INTO users (name) VALUES ('seed');
CREATE TABLE audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, what TEXT);
CREATE FUNCTION shout(s TEXT) RETURNS TEXT DETERMINISTIC RETURN UPPER(s);
CREATE PROCEDURE bump(IN uid BIGINT)
BEGIN
  UPDATE users SET n = n + 1 WHERE id = uid;
  INSERT INTO audit (what) VALUES (CONCAT('bump ', uid));
END;
CREATE VIEW loud AS SELECT id, shout(name) AS name FROM users;
CREATE TRIGGER users_b BEFORE INSERT ON users FOR EACH ROW SET NEW.name = TRIM(NEW.name);
CREATE TRIGGER users_a AFTER INSERT ON users FOR EACH ROW INSERT INTO audit (what) VALUES ('insert');
CREATE EVENT tidy ON SCHEDULE EVERY 1 HOUR DO DELETE FROM audit WHERE id < 10;
`)
	first, err := st.DumpSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	order := []string{"PROCEDURE `bump`(IN uid BIGINT)\nBEGIN\n  UPDATE users SET n = n + 1 WHERE id = uid;", "FUNCTION `shout`",
		"CREATE TABLE `audit`", "CREATE TABLE `users`", "CREATE TABLE `_sqlx_migrations`", "VIEW `loud` AS select",
		"TRIGGER users_a AFTER INSERT", "TRIGGER users_b BEFORE INSERT", "EVENT `tidy` ON SCHEDULE EVERY 1 HOUR ON COMPLETION NOT PRESERVE ENABLE DO", "INSERT INTO _sqlx_migrations"}
	at := 0
	for _, want := range order {
		i := strings.Index(first[at:], want)
		if i < 0 {
			t.Fatalf("the schema lacks %q after byte %d:\n%s", want, at, first)
		}
		at += i
	}
	if strings.Contains(first, "STARTS") || strings.Contains(first, "DELIMITER") || strings.Contains(first, ") ENGINE=InnoDB AUTO_INCREMENT=") ||
		!strings.Contains(first, "COMMENT 'was AUTO_INCREMENT=7'") {
		t.Errorf("the schema holds an event's STARTS, a DELIMITER line or a table's AUTO_INCREMENT, or lost a comment:\n%s", first)
	}
	// Loaded into an empty database as one query (the ledger's rows too),
	// the schema prints itself again.
	other := srv.Fresh(t)
	srv.Exec(t, other, first)
	again, err := openMySQL(t, srv.URL(other), store.Options{}).DumpSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("loaded and dumped again, the schema differs:\n%s\nwant\n%s", again, first)
	}
}

// sqlx.toml's create-schemas (databases, on MySQL) runs on every run, a
// no-op's too: one dropped since is made again, and the lock-free read
// steps aside for it.
func TestMySQLCreateSchemasEveryRun(t *testing.T) {
	srv := testdb.MySQL(t)
	db := srv.Fresh(t)
	extra := db + "_extra"
	t.Cleanup(func() { srv.Exec(t, "", "DROP DATABASE IF EXISTS `"+extra+"`") })
	u, err := dburl.Parse(srv.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	st, err := mysql.Open(ctx, mysql.Config{Conn: u.MySQL, CreateSchemas: []string{"`" + extra + "`"}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := srv.Query(t, "")
	ms := []migration.Migration{simple(1, "users", "CREATE TABLE users (email TEXT);\n", "1_users.sql")}
	for round := range 2 {
		if _, err := (&migrate.Migrator{Store: st, Migrations: ms}).Run(ctx, migrate.Options{}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var n int
		if err := q.QueryRow("SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", extra).Scan(&n); err != nil || n != 1 {
			t.Fatalf("round %d: database %s: %d, %v", round, extra, n, err)
		}
		srv.Exec(t, "", "DROP DATABASE `"+extra+"`")
	}
	if _, err := st.ReadLedger(ctx); !errors.Is(err, ledger.ErrNoSnapshot) {
		t.Errorf("ReadLedger with create-schemas: %v, want ErrNoSnapshot", err)
	}
}
