package sqlite

import (
	"errors"
	"strings"

	msqlite "modernc.org/sqlite"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/store"
)

// SQLite's primary result codes that dbprep tells apart.
const (
	sqliteError = 1  // SQLITE_ERROR
	sqliteRO    = 8  // SQLITE_READONLY
	sqliteIOErr = 10 // SQLITE_IOERR
	sqliteFull  = 13 // SQLITE_FULL
)

// errorCause is what a modernc.org/sqlite error is, or nil.
func errorCause(err error) error {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() & 0xff {
	case sqliteIOErr, sqliteFull:
		return store.ErrNoSpace
	case sqliteRO:
		return ledger.ErrReadOnly
	case sqliteError:
		// SQLite has no code of its own for these: "cannot VACUUM from
		// within a transaction", "Safety level may not be changed inside a
		// transaction", "cannot change into wal mode from within a transaction".
		msg := se.Error()
		if strings.Contains(msg, "within a transaction") || strings.Contains(msg, "inside a transaction") {
			return store.ErrInTransaction
		}
	}
	return nil
}

// classify wraps err with the cause errorCause finds in it.
func classify(err error) error { return store.WithCause(err, errorCause(err)) }
