package store

import (
	"errors"
	"strings"

	"modernc.org/sqlite"

	"github.com/dbprep/dbprep/internal/ledger"
)

// Causes a backend recognises in its driver's errors, for errors.Is. A
// backend wraps the driver's error with one (withCause), keeping its
// message, so that callers choose what to say by type, never by text.
var (
	// ErrNoSpace: the database could not be written, because the disk is
	// full, a file-size limit (ulimit -f) was reached or the disk failed.
	ErrNoSpace = errors.New("no space to write the database")
	// ErrInTransaction: a statement that cannot run inside a transaction
	// (SQLite's VACUUM, journal_mode = WAL; PostgreSQL's CREATE INDEX
	// CONCURRENTLY).
	ErrInTransaction = errors.New("the statement cannot run inside a transaction")
)

// causeError is a driver's error with the cause a backend recognised in it.
type causeError struct {
	err   error
	cause error
}

func (e *causeError) Error() string   { return e.err.Error() }
func (e *causeError) Unwrap() []error { return []error{e.err, e.cause} }

// withCause wraps err with cause; nil stays nil.
func withCause(err, cause error) error {
	if err == nil || cause == nil || errors.Is(err, cause) {
		return err
	}
	return &causeError{err: err, cause: cause}
}

// SQLite's primary result codes that dbprep tells apart.
const (
	sqliteError = 1  // SQLITE_ERROR
	sqliteRO    = 8  // SQLITE_READONLY
	sqliteIOErr = 10 // SQLITE_IOERR
	sqliteFull  = 13 // SQLITE_FULL
)

// sqliteCause is what a modernc.org/sqlite error is, or nil.
func sqliteCause(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() & 0xff {
	case sqliteIOErr, sqliteFull:
		return ErrNoSpace
	case sqliteRO:
		return ledger.ErrReadOnly
	case sqliteError:
		// SQLite has no code of its own for these: "cannot VACUUM from
		// within a transaction", "Safety level may not be changed inside a
		// transaction", "cannot change into wal mode from within a transaction".
		msg := se.Error()
		if strings.Contains(msg, "within a transaction") || strings.Contains(msg, "inside a transaction") {
			return ErrInTransaction
		}
	}
	return nil
}

// classifySQLite wraps err with the cause sqliteCause finds in it.
func classifySQLite(err error) error { return withCause(err, sqliteCause(err)) }
