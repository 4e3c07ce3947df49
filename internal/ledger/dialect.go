package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
)

// Dialect is what an engine's SQL and database/sql set-up need that no
// driver does: sqlx's ledger table, placeholders, locking and transactions,
// and the driver names and data source name a program's driver takes. Each
// engine's is in the file of its name (sqlite.go, postgres.go); SQLStore is
// written once, for every dialect.
type Dialect interface {
	// Engine is the engine the dialect is for.
	Engine() engine.Engine
	// LedgerDDL is sqlx's CREATE TABLE of the ledger for the engine, byte
	// for byte, with %s for the table name.
	LedgerDDL() string
	// Placeholder is the n-th bind parameter, counted from 1.
	Placeholder(n int) string
	// Begin is the statement that starts a migration's transaction.
	Begin() string
	// AlwaysNoTx: every sqlx release honours "-- no-transaction" on the
	// engine (otherwise only when SQLOptions.SQLiteNoTx says so).
	AlwaysNoTx() bool
	// RowFirst: sqlx writes a migration's row before its SQL, with
	// success = FALSE, and sets it TRUE after, in one transaction (MySQL,
	// where DDL commits that transaction early: a failure after a DDL
	// statement leaves the row, dirty); otherwise the row is written after
	// the SQL.
	RowFirst() bool
	// EnsureLedger runs ddl, the ledger's CREATE TABLE IF NOT EXISTS.
	EnsureLedger(ctx context.Context, conn *sql.Conn, ddl string) error
	// HasTable reports from the catalog whether table exists.
	HasTable(ctx context.Context, conn *sql.Conn, table string) (bool, error)
	// Lock takes sqlx's migration lock and returns what releases it; both
	// are nil where the engine has no lock (each transaction locks).
	Lock(ctx context.Context, conn *sql.Conn) (unlock func(context.Context) error, err error)
	// AfterRollback makes sure the database is whole after a ROLLBACK.
	AfterRollback(ctx context.Context, conn *sql.Conn) error
	// Timestamp is installed_on's bind value for a pinned time (UTC).
	Timestamp(t time.Time) any

	// Drivers are the database/sql driver names that reach the engine, in
	// the order sqlxmigrate looks for a registered one.
	Drivers() []string
	// Imports is what a program imports to register one of Drivers.
	Imports() string
	// DSN is driver's data source name for u, with sqlx's session settings.
	DSN(driver string, u dburl.URL) string
	// Server: the database is behind a server, which a connection waits
	// for while it starts; otherwise it is a file.
	Server() bool
}

// The dialects of the engines dbprep supports.
var (
	SQLite   Dialect = sqliteDialect{}
	Postgres Dialect = postgresDialect{}
	MySQL    Dialect = mysqlDialect{}
)

// dialects are the engines' dialects.
var dialects = map[engine.Engine]Dialect{
	engine.SQLite:   SQLite,
	engine.Postgres: Postgres,
	engine.MySQL:    MySQL,
}

// DialectOf is e's dialect. An engine without one is an error that lists
// those dbprep supports.
func DialectOf(e engine.Engine) (Dialect, error) {
	if d, ok := dialects[e]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("%w %v: dbprep supports %s URLs", dburl.ErrUnsupportedScheme, e, dburl.Schemes)
}
