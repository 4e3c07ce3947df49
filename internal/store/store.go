// Package store is dbprep's one storage boundary: the _sqlx_migrations
// ledger, and the database it lives in, behind the Store, Admin and Backend
// interfaces that each engine's package (internal/engine/<engine>)
// implements, and the typed errors (errors.go) they return. Each engine's
// ledger is package ledger's SQLStore, which writes the table and rows
// exactly as sqlx does (docs/sqlx-compat.md §4); an engine adds its
// driver, the causes it recognises in its errors, and administration.
package store

import (
	"time"

	"github.com/dbprep/dbprep/internal/ledger"
)

// The ledger's contract lives in package ledger; these names keep the
// store's callers unchanged.
type (
	// Applied is one ledger row, as sqlx reads it.
	Applied = ledger.Applied
	// Store is a database with a migration ledger.
	Store = ledger.Store
	// ExecError is a migration whose SQL failed.
	ExecError = ledger.ExecError
)

// The ledger's errors.
var (
	ErrAlreadyApplied = ledger.ErrAlreadyApplied
	ErrNotApplied     = ledger.ErrNotApplied
	ErrConnectionLost = ledger.ErrConnectionLost
)

// Options are shared by every store.
type Options struct {
	// Table is the ledger table; empty means _sqlx_migrations.
	Table string
	// Pin, when set, makes ledger rows reproducible: installed_on is Pin
	// (UTC) instead of the current time and execution_time is 0.
	Pin *time.Time
	// SQLiteNoTx honours "-- no-transaction" on SQLite, as sqlx 0.9 (main)
	// does; sqlx 0.8 ignores it there. PostgreSQL always honours it.
	SQLiteNoTx bool
}
