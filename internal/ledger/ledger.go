// Package ledger is the migration ledger's contract: the Store interface
// that package migrate drives, its errors, and a Store for any database/sql
// connection (NewSQL) in sqlx's two dialects. It imports no database
// driver: a program that migrates through it links only the driver it
// chose itself.
package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/migration"
)

// DialectOf is the dialect of the database at u: the one mapping from a
// URL to an engine (package store picks its backend by it, sqlxmigrate its
// driver). A URL of no supported engine is an error that lists them.
func DialectOf(u dburl.URL) (Dialect, error) {
	switch u.Kind {
	case dburl.SQLite:
		return SQLite, nil
	case dburl.Postgres:
		return Postgres, nil
	}
	return 0, fmt.Errorf("%w %q: dbprep supports sqlite: and postgres:// (postgresql://) URLs", dburl.ErrUnsupportedScheme, u.Kind)
}

// DefaultTable is sqlx's ledger table name.
const DefaultTable = "_sqlx_migrations"

// Applied is one ledger row, as sqlx reads it.
type Applied struct {
	Version  int64
	Checksum []byte
}

// Store is a database with a migration ledger.
type Store interface {
	// Lock takes the migration lock and blocks until it has it. On
	// PostgreSQL this is sqlx's advisory lock; on SQLite it does nothing,
	// because every Apply takes the write lock itself.
	Lock(ctx context.Context) error
	// Unlock releases the lock taken by Lock. It is safe to call without it.
	Unlock(ctx context.Context) error
	// EnsureLedger creates the ledger table if it does not exist.
	EnsureLedger(ctx context.Context) error
	// HasLedger reports whether the ledger table exists, writing nothing.
	HasLedger(ctx context.Context) (bool, error)
	// Dirty returns the smallest version recorded with success = false.
	// ok is false when there is none.
	Dirty(ctx context.Context) (version int64, ok bool, err error)
	// Applied returns the ledger's rows, ordered by version.
	Applied(ctx context.Context) ([]Applied, error)
	// Apply runs m and writes its ledger row in one transaction. It returns
	// ErrAlreadyApplied, having changed nothing, when the version is in the
	// ledger once the transaction holds the write lock (another process
	// applied it first), and an *ExecError when m's SQL fails; either way
	// the database is as it was.
	Apply(ctx context.Context, m *migration.Migration) (time.Duration, error)
	// Revert runs the down migration m and deletes its ledger row in one
	// transaction. It returns ErrNotApplied, having changed nothing, when the
	// row is gone by the time it holds the write lock; an *ExecError means
	// the database is as it was.
	Revert(ctx context.Context, m *migration.Migration) (time.Duration, error)
	// Close releases the connection.
	Close() error
}

// ErrAlreadyApplied is returned by Apply when the version was recorded by
// someone else between planning and applying.
var ErrAlreadyApplied = errors.New("migration already applied")

// ErrNotApplied is returned by Revert when the version is no longer in the
// ledger once the transaction holds the write lock (reverted by another process).
var ErrNotApplied = errors.New("migration not applied")

// ErrReadOnly means the database refused a write: it was opened read-only
// (sqlite:…?mode=ro, a read-only file), or the user may not write.
var ErrReadOnly = errors.New("the database is read-only")

// ErrConnectionLost means the server went away while a migration ran; a
// migration in a transaction was not committed.
var ErrConnectionLost = errors.New("the connection to the database server was lost")

// ExecError is a migration whose SQL failed. The transaction was rolled back.
type ExecError struct {
	Version int64
	File    string
	// Down is true when the failing SQL was a revert.
	Down bool
	// NoTx is true when the SQL ran outside a transaction (-- no-transaction
	// where the dialect honours it): what ran before the failure stays.
	NoTx bool
	Err  error
}

// Error reads as sqlx's MigrateError::ExecuteMigration, for a revert too:
// "while executing migration 2 (…): …".
func (e *ExecError) Error() string {
	return fmt.Sprintf("while executing migration %d (%s): %v", e.Version, e.File, e.Err)
}

func (e *ExecError) Unwrap() error { return e.Err }
