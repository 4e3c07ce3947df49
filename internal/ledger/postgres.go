package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
)

// PostgresLedgerDDL is sqlx's ledger table for PostgreSQL, byte for byte.
const PostgresLedgerDDL = `
CREATE TABLE IF NOT EXISTS %s (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);
                `

// LockKey is sqlx's advisory-lock key for a database name:
// 0x3d32ad9e * crc32_ieee(name). It never overflows an int64.
func LockKey(database string) int64 {
	return 0x3d32ad9e * int64(crc32IEEE(database))
}

// crc32IEEE is hash/crc32.ChecksumIEEE, bit by bit. That package builds
// its table when the program starts, in every program that links this one
// (dbprep's SQLite commands too: 1% of their start-up); a database name is
// hashed once per PostgreSQL run.
func crc32IEEE(s string) uint32 {
	crc := ^uint32(0)
	for i := 0; i < len(s); i++ {
		crc ^= uint32(s[i])
		for range 8 {
			crc = crc>>1 ^ 0xedb88320&-(crc&1)
		}
	}
	return ^crc
}

// postgresDialect: "$1" placeholders, sqlx's session advisory lock, and
// "-- no-transaction" honoured by every sqlx release.
type postgresDialect struct{}

func (postgresDialect) Engine() engine.Engine     { return engine.Postgres }
func (postgresDialect) LedgerDDL() string         { return PostgresLedgerDDL }
func (postgresDialect) Placeholder(n int) string  { return fmt.Sprintf("$%d", n) }
func (postgresDialect) Begin() string             { return "BEGIN" }
func (postgresDialect) RowFirst() bool            { return false }
func (postgresDialect) AlwaysNoTx() bool          { return true }
func (postgresDialect) Server() bool              { return true }
func (postgresDialect) Timestamp(t time.Time) any { return t.UTC() }
func (postgresDialect) Drivers() []string         { return []string{"pgx", "postgres"} } // github.com/jackc/pgx/v5/stdlib, github.com/lib/pq
func (postgresDialect) Imports() string {
	return `_ "github.com/jackc/pgx/v5/stdlib" (or _ "github.com/lib/pq")`
}

func (postgresDialect) AfterRollback(context.Context, *sql.Conn) error { return nil }

func (postgresDialect) DSN(_ string, u dburl.URL) string { return u.Postgres.ConnString(true) }

// EnsureLedger runs ddl once more when it fails: two sessions may race on
// IF NOT EXISTS (possible without the lock), and the loser fails on the
// catalog's unique index; the table is there then, so once more succeeds.
func (postgresDialect) EnsureLedger(ctx context.Context, conn *sql.Conn, ddl string) error {
	if _, err := conn.ExecContext(ctx, ddl); err == nil {
		return nil
	}
	_, err := conn.ExecContext(ctx, ddl)
	return err
}

func (postgresDialect) HasTable(ctx context.Context, conn *sql.Conn, table string) (bool, error) {
	var ok bool
	err := conn.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&ok)
	return ok, err
}

// Lock takes sqlx's session advisory lock, keyed by the database's name.
func (postgresDialect) Lock(ctx context.Context, conn *sql.Conn) (func(context.Context) error, error) {
	var db string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return nil, err
	}
	key := LockKey(db)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
		return err
	}, nil
}
