package reliability

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// snapshot is a database's schema and data (the ledger apart), hashed, and
// its ledger versions.
type snapshot struct {
	Schema, Ledger string
}

func openDB(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// querier is a database or a transaction: a snapshot reads everything in
// one transaction, so a commit landing meanwhile cannot split it.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// readTx begins the read-only transaction a snapshot is taken in:
// REPEATABLE READ on PostgreSQL (one MVCC snapshot for every query), a
// deferred read transaction on SQLite.
func readTx(t testing.TB, db *sql.DB, opts *sql.TxOptions) *sql.Tx {
	t.Helper()
	tx, err := db.BeginTx(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func queryStrings(t testing.TB, db querier, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	return out
}

func hashOf(parts []string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(h[:8])
}

func ledgerOf(t testing.TB, db querier) string {
	t.Helper()
	return strings.Join(queryStrings(t, db, "SELECT CAST(version AS TEXT) || ',' FROM _sqlx_migrations WHERE success ORDER BY version"), "")
}

// sqliteSnapshot reads a SQLite file.
func sqliteSnapshot(t testing.TB, path string) snapshot {
	t.Helper()
	conn := openDB(t, "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	defer conn.Close()
	db := readTx(t, conn, nil)
	defer db.Rollback()
	parts := queryStrings(t, db, "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_migrations' ORDER BY name")
	for _, table := range queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name") {
		parts = append(parts, table+"="+tableData(t, db, table))
	}
	return snapshot{Schema: hashOf(parts), Ledger: ledgerOrEmpty(t, db, "SELECT count(*) FROM sqlite_master WHERE name = '_sqlx_migrations'")}
}

// postgresSnapshot reads a PostgreSQL database.
func postgresSnapshot(t testing.TB, url string) snapshot {
	t.Helper()
	conn := openDB(t, "pgx", url)
	defer conn.Close()
	db := readTx(t, conn, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	defer db.Rollback()
	parts := queryStrings(t, db, `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY 1`)
	parts = append(parts, queryStrings(t, db, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' ORDER BY 1")...)
	parts = append(parts, queryStrings(t, db, "SELECT table_name || ' ' || view_definition FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1")...)
	for _, table := range queryStrings(t, db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1") {
		parts = append(parts, table+"="+tableData(t, db, table))
	}
	return snapshot{Schema: hashOf(parts), Ledger: ledgerOrEmpty(t, db, "SELECT count(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations'")}
}

func ledgerOrEmpty(t testing.TB, db querier, exists string) string {
	var n int
	if err := db.QueryRowContext(context.Background(), exists).Scan(&n); err != nil || n == 0 {
		return ""
	}
	return ledgerOf(t, db)
}

// tableData hashes every row of a table (ordered by its first column), whatever its columns.
func tableData(t testing.TB, db querier, table string) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), fmt.Sprintf("SELECT * FROM %s ORDER BY 1", table))
	if err != nil {
		t.Fatalf("reading %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%v", vals))
	}
	return strings.Join(cols, ",") + ":" + hashOf(out)
}
