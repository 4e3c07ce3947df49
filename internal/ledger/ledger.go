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

	"github.com/dbprep/dbprep/internal/migration"
)

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
	// Apply runs m and writes its ledger row in one transaction. Holding
	// the write lock, before it runs anything, it checks the ledger: it
	// returns ErrAlreadyApplied when the version is there (another process
	// applied it first), and ErrLedgerChanged when g is not nil and the rows
	// around the version are no longer what g says; either way it changed
	// nothing. An *ExecError means m's SQL failed and the database is as it
	// was, except for a "-- no-transaction" migration (ExecError.NoTx): it is
	// recorded as started (success = false) before it runs and as applied
	// after, so a failure or a kill leaves that dirty row, never no row.
	Apply(ctx context.Context, m *migration.Migration, g *Guard) (time.Duration, error)
	// Revert runs the down migration m and deletes its ledger row in one
	// transaction. It returns ErrNotApplied when the row is gone by the time
	// it holds the write lock, and ErrLedgerChanged as Apply does, having
	// changed nothing; an *ExecError means the database is as it was (a
	// "-- no-transaction" down migration leaves its row dirty instead).
	Revert(ctx context.Context, m *migration.Migration, g *Guard) (time.Duration, error)
	// Skip records m as applied without running it, as sqlx 0.9's `migrate
	// override skip` does (success TRUE, execution_time -1), checking the
	// ledger as Apply does (ErrAlreadyApplied, ErrLedgerChanged).
	Skip(ctx context.Context, m *migration.Migration, g *Guard) error
	// Table is the ledger table's name (sqlx.toml's table-name, else
	// DefaultTable), for messages that name it.
	Table() string
	// Close releases the connection.
	Close() error
}

// Snapshot is the whole ledger as one read saw it.
type Snapshot struct {
	// Rows are all the rows, dirty ones too, in version order.
	Rows []Applied
	// Dirty is the smallest version recorded with success = false, when
	// HasDirty.
	Dirty    int64
	HasDirty bool
}

// LedgerReader is a Store that reads its whole ledger in one query, without
// the lock. A run that finds in it that nothing is to be done ends there
// (the no-op run: one query, not the lock, the catalog, the dirty row, the
// ledger and the unlock); anything else and it starts over under the lock.
// An error (no ledger table yet) means only that: start over.
type LedgerReader interface {
	ReadLedger(ctx context.Context) (Snapshot, error)
}

// ErrNoSnapshot is a LedgerReader's answer when one read cannot tell: the
// store has work to do before the ledger on every run (create-schemas).
var ErrNoSnapshot = errors.New("the ledger cannot be read in one query here")

// ErrAlreadyApplied is returned by Apply when the version was recorded by
// someone else between planning and applying.
var ErrAlreadyApplied = errors.New("migration already applied")

// ErrLedgerChanged is returned by Apply and Revert when the ledger no longer
// holds what the plan was made from (another process applied or reverted
// around the version): nothing was changed, and the caller plans again.
var ErrLedgerChanged = errors.New("the ledger changed since the plan was made")

// Guard is what a plan assumed of the ledger around one migration's
// version: how many rows lie below it and how many above it. Apply and
// Revert check it inside the transaction that makes the change, so that a
// run or revert racing another never acts on a stale plan (it would leave a
// hole: 1-5 and 8-12 applied, 6 and 7 not).
type Guard struct {
	Below, Above int
}

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
	// where the dialect honours it): what ran before the failure stays, and
	// the migration's row in Table stays with success = false (dirty).
	NoTx bool
	// Committed is true when the engine committed part of the migration
	// before it failed (MySQL commits at each DDL statement): what ran
	// before the failing statement stays, and the row in Table stays with
	// success = false (dirty), as sqlx leaves it.
	Committed bool
	// Table is the ledger table.
	Table string
	Err   error
}

// Error reads as sqlx's MigrateError::ExecuteMigration, for a revert too:
// "while executing migration 2 (…): …".
func (e *ExecError) Error() string {
	return fmt.Sprintf("while executing migration %d (%s): %v", e.Version, e.File, e.Err)
}

func (e *ExecError) Unwrap() error { return e.Err }
