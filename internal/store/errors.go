package store

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
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
	// ErrInUse: a database cannot be dropped while other sessions are
	// connected to it (PostgreSQL's object_in_use).
	ErrInUse = errors.New("other sessions are connected to the database")
	// ErrNoDatabase is a database that does not exist: a SQLite file that
	// neither mode=rwc nor Create asks to be made; from a server, a
	// *ConnectError whose server says so.
	ErrNoDatabase = errors.New("database does not exist")
)

// causeError is a driver's error with the cause a backend recognised in it.
type causeError struct {
	err   error
	cause error
}

func (e *causeError) Error() string   { return e.err.Error() }
func (e *causeError) Unwrap() []error { return []error{e.err, e.cause} }

// Unreachable says whether a connection's err means nothing accepts
// connections at the address (refused, no such socket, no route).
func Unreachable(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EHOSTUNREACH)
}

// WithoutCause is the driver's error WithCause wrapped, or err itself.
func WithoutCause(err error) error {
	if ce, ok := err.(*causeError); ok {
		return ce.err
	}
	return err
}

// WithCause wraps err with cause (one of the causes above, or
// ledger.ErrReadOnly), keeping its message; nil stays nil.
func WithCause(err, cause error) error {
	if err == nil || cause == nil || errors.Is(err, cause) {
		return err
	}
	return &causeError{err: err, cause: cause}
}

// Kinds of connection failure, for errors.Is on a *ConnectError.
var (
	// ErrAuth: the server refused the user name or password.
	ErrAuth = errors.New("authentication failed")
	// ErrUnreachable: nothing accepts connections at the address.
	ErrUnreachable = errors.New("server unreachable")
)

// ConnectError is a connection to a server that failed. Cause is the
// driver's error; Reason is the server's or the network's own words as the
// backend reads them from it (with sslmode=prefer, the default, pgx reports
// a refused TLS attempt before the real cause, and that noise is left out).
type ConnectError struct {
	Target string
	Cause  error
	Reason string
	// Kind is ErrNoDatabase (the server says the database does not exist),
	// ErrAuth, ErrUnreachable or nil.
	Kind error
}

func (e *ConnectError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = e.Cause.Error()
	}
	return fmt.Sprintf("connecting to %s: %s", e.Target, reason)
}

func (e *ConnectError) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Cause}
	}
	return []error{e.Cause, e.Kind}
}

// PgError is PostgreSQL's error for a migration (the server's fields, as
// pgconn.PgError has them), with the position turned into a line and
// column of the file. Err is the driver's own error.
type PgError struct {
	Err                                   error
	Severity, Code, Message, Detail, Hint string
	Line, Column                          int
	// Advice is dbprep's word on a known cause, such as a statement that
	// cannot run inside a transaction.
	Advice string
	// InvalidIndexes are the indexes PostgreSQL marks invalid after a
	// -- no-transaction migration failed (a CREATE INDEX CONCURRENTLY that
	// failed leaves one behind), schema-qualified.
	InvalidIndexes []string
}

func (e *PgError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (SQLSTATE %s)", e.Severity, e.Message, e.Code)
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d, column %d", e.Line, e.Column)
	}
	if e.Detail != "" {
		b.WriteString("; detail: " + e.Detail)
	}
	if e.Hint != "" {
		b.WriteString("; hint: " + e.Hint)
	}
	if e.Advice != "" {
		b.WriteString("; " + e.Advice)
	}
	return b.String()
}

func (e *PgError) Unwrap() error { return e.Err }
