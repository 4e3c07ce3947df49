package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver for inspection

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
	"github.com/dbprep/dbprep/internal/store/storetest"
	"github.com/dbprep/dbprep/internal/testdb"
)

var ctx = context.Background()

func TestMain(m *testing.M) { testdb.Main(m) }

func openPG(t *testing.T, url string, opts store.Options) *postgres.Store {
	t.Helper()
	u, err := dburl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(context.Background(), postgres.Config{Conn: u.Postgres, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func inspectPG(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func postgresHarness() storetest.Harness {
	return storetest.Harness{
		Fresh: func(t *testing.T) (func(t *testing.T) store.Store, *sql.DB) {
			url := testdb.Postgres(t).Fresh(t)
			return func(t *testing.T) store.Store { return openPG(t, url, store.Options{}) }, inspectPG(t, url)
		},
		TableExists: storetest.PostgresTableExists,
		Placeholder: storetest.PostgresPlaceholder,
		Locks:       true,
	}
}

func TestPostgresSuite(t *testing.T) { storetest.Run(t, postgresHarness()) }

// The ledger as sqlx creates it on PostgreSQL.
func TestPostgresLedgerExactly(t *testing.T) {
	url := testdb.Postgres(t).Fresh(t)
	st := openPG(t, url, store.Options{})
	m := storetest.ApplyOne(t, st, "CREATE TABLE users (favorite_song TEXT);\n")
	db := inspectPG(t, url)
	rows, err := db.Query(`SELECT column_name, data_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns
		WHERE table_name = '_sqlx_migrations' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var name, typ, null, def string
		rows.Scan(&name, &typ, &null, &def)
		cols = append(cols, strings.Join([]string{name, typ, null, def}, " "))
	}
	want := "version bigint NO ;description text NO ;installed_on timestamp with time zone NO now();success boolean NO ;checksum bytea NO ;execution_time bigint NO "
	if got := strings.Join(cols, ";"); got != want {
		t.Errorf("columns\n got %s\nwant %s", got, want)
	}
	var pkey string
	db.QueryRow("SELECT conname FROM pg_constraint WHERE conrelid = '_sqlx_migrations'::regclass AND contype = 'p'").Scan(&pkey)
	if pkey != "_sqlx_migrations_pkey" {
		t.Errorf("primary key %q", pkey)
	}
	var sum []byte
	var success bool
	db.QueryRow("SELECT checksum, success FROM _sqlx_migrations").Scan(&sum, &success)
	if string(sum) != string(m.Checksum) || !success {
		t.Errorf("row checksum %x success %v", sum, success)
	}
}

func pgMig(version int64, sql string) migration.Migration {
	return migration.Migration{Name: migration.Name{Version: version, Description: fmt.Sprint(version)},
		File: fmt.Sprintf("migrations/%d_x.sql", version), SQL: sql, Checksum: migration.Checksum(sql, nil), NoTx: migration.HasNoTransaction(sql)}
}

func TestPostgresNoTransaction(t *testing.T) {
	url := testdb.Postgres(t).Fresh(t)
	st := openPG(t, url, store.Options{})
	ms := []migration.Migration{pgMig(1, "CREATE TABLE users (email TEXT);\n")}
	m := &migrate.Migrator{Store: st, Migrations: ms}
	if _, err := m.Run(ctx, migrate.Options{}); err != nil {
		t.Fatal(err)
	}
	without := pgMig(2, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n")
	m.Migrations = append(ms, without)
	_, err := m.Run(ctx, migrate.Options{})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25001" || !strings.Contains(err.Error(), "make `-- no-transaction` the very first line") {
		t.Fatalf("without the directive: %v", err)
	}
	multi := pgMig(2, "-- no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nSELECT 1;\n")
	m.Migrations = append(ms, multi)
	if _, err = m.Run(ctx, migrate.Options{}); err == nil || !strings.Contains(err.Error(), "in a migration file of its own") {
		t.Fatalf("multi-statement no-transaction file: %v", err)
	}
	// A no-transaction migration is recorded as started before it runs, so
	// its failure leaves a dirty row, never a pending one: the next run
	// refuses until the row is cleared, as sqlx's does.
	var success bool
	if err := inspectPG(t, url).QueryRow("SELECT success FROM _sqlx_migrations WHERE version = 2").Scan(&success); err != nil || success {
		t.Fatalf("after the failed no-transaction migration: success %v, %v; want a row with success = false", success, err)
	}
	if _, err = m.Run(ctx, migrate.Options{}); !errors.Is(err, migrate.ErrDirty) {
		t.Fatalf("a run over the dirty row: %v, want ErrDirty", err)
	}
	if _, err := inspectPG(t, url).Exec("DELETE FROM _sqlx_migrations WHERE version = 2"); err != nil {
		t.Fatal(err)
	}
	with := pgMig(2, "-- no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n")
	m.Migrations = append(ms, with)
	if res, err := m.Run(ctx, migrate.Options{}); err != nil || res.Done != 1 {
		t.Fatalf("with the directive: %+v %v", res, err)
	}
	var valid bool
	inspectPG(t, url).QueryRow("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass").Scan(&valid)
	if !valid {
		t.Error("the concurrent index must exist and be valid")
	}
}

func TestPostgresErrorPosition(t *testing.T) {
	url := testdb.Postgres(t).Fresh(t)
	st := openPG(t, url, store.Options{})
	m := &migrate.Migrator{Store: st, Migrations: []migration.Migration{pgMig(7, "CREATE TABLE a (x int);\n\nSELEKT 1;\n")}}
	_, err := m.Run(ctx, migrate.Options{})
	for _, want := range []string{"while executing migration 7 (migrations/7_x.sql)", `syntax error at or near "SELEKT"`, "SQLSTATE 42601", "at line 3, column 1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
}

// A failing migration leaves no row, no partial schema and no held lock.
func TestPostgresFailureReleasesLock(t *testing.T) {
	url := testdb.Postgres(t).Fresh(t)
	st := openPG(t, url, store.Options{})
	m := &migrate.Migrator{Store: st, Migrations: []migration.Migration{
		pgMig(1, "CREATE TABLE ok (x int);\n"),
		pgMig(2, "CREATE TABLE half (x int);\nINSERT INTO half VALUES (1);\nINSERT INTO nope VALUES (1);\n"),
	}}
	if _, err := m.Run(ctx, migrate.Options{}); err == nil {
		t.Fatal("want an error")
	}
	db := inspectPG(t, url)
	var locks, rows int
	var half bool
	db.QueryRow("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").Scan(&locks)
	db.QueryRow("SELECT count(*) FROM _sqlx_migrations").Scan(&rows)
	db.QueryRow("SELECT to_regclass('half') IS NOT NULL").Scan(&half)
	if locks != 0 || rows != 1 || half {
		t.Errorf("after the failure: %d advisory locks, %d ledger rows, table half exists %v", locks, rows, half)
	}
}

// sqlx.toml's create-schemas runs on every run, a no-op's too: a schema
// dropped since is made again, and the lock-free read steps aside for it.
func TestPostgresCreateSchemasEveryRun(t *testing.T) {
	url := testdb.Postgres(t).Fresh(t)
	u, err := dburl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(ctx, postgres.Config{Conn: u.Postgres, CreateSchemas: []string{"extra"}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := inspectPG(t, url)
	ms := []migration.Migration{pgMig(1, "CREATE TABLE extra.users (email TEXT);\n")}
	for round := range 2 {
		if _, err := (&migrate.Migrator{Store: st, Migrations: ms}).Run(ctx, migrate.Options{}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM pg_namespace WHERE nspname = 'extra'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("round %d: schema extra: %d, %v", round, n, err)
		}
		if _, err := db.Exec("DROP SCHEMA extra CASCADE"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.ReadLedger(ctx); !errors.Is(err, ledger.ErrNoSnapshot) {
		t.Errorf("ReadLedger with create-schemas: %v, want ErrNoSnapshot", err)
	}
}
