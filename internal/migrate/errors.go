package migrate

import (
	"errors"
	"fmt"
)

// The kinds of Error, for errors.Is. Their wording is sqlx's MigrateError,
// so that searches for a message find sqlx's existing answers.
var (
	ErrVersionMissing    = errors.New("version missing")
	ErrVersionMismatch   = errors.New("version mismatch")
	ErrVersionNotPresent = errors.New("version not present")
	ErrVersionTooOld     = errors.New("version too old")
	ErrVersionTooNew     = errors.New("version too new")
	ErrDirty             = errors.New("dirty")
)

// Error is a validation failure; nothing was applied because of it.
type Error struct {
	Kind    error
	Version int64
	// Latest is the latest applied version, for ErrVersionTooOld/TooNew.
	Latest int64
	// Table is the ledger table, for ErrDirty.
	Table string
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrVersionMissing:
		return fmt.Sprintf("migration %d was previously applied but is missing in the resolved migrations", e.Version)
	case ErrVersionMismatch:
		return fmt.Sprintf("migration %d was previously applied but has been modified", e.Version)
	case ErrVersionNotPresent:
		return fmt.Sprintf("migration %d is not present in the migration source", e.Version)
	case ErrVersionTooOld:
		return fmt.Sprintf("migration %d is older than the latest applied migration %d", e.Version, e.Latest)
	case ErrVersionTooNew:
		return fmt.Sprintf("migration %d is newer than the latest applied migration %d", e.Version, e.Latest)
	case ErrDirty:
		return fmt.Sprintf("migration %d is partially applied; fix and remove row from `%s` table", e.Version, e.Table)
	}
	return fmt.Sprintf("migration %d: %v", e.Version, e.Kind)
}

func (e *Error) Unwrap() error { return e.Kind }

// NewLedgerError is the first migration failing on a database whose ledger
// table this run created: its schema may be there already, recorded in a
// ledger of another name.
type NewLedgerError struct {
	Table string
	Err   error
}

func (e *NewLedgerError) Error() string { return e.Err.Error() }
func (e *NewLedgerError) Unwrap() error { return e.Err }
