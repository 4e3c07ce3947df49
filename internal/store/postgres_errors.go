package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbprep/dbprep/internal/migration"
)

// PgError is PostgreSQL's error for a migration, with the position turned
// into a line and column of the file.
type PgError struct {
	*pgconn.PgError
	Line, Column int
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

func (e *PgError) Unwrap() error { return e.PgError }

// describePgError adds the line and column, and advice for the
// transaction-block errors that "-- no-transaction" is about.
func describePgError(err error, m *migration.Migration) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	out := &PgError{PgError: pe}
	if pe.Position > 0 {
		out.Line, out.Column = lineColumn(m.SQL, int(pe.Position))
	}
	if pe.Code == "25001" { // active_sql_transaction: "… cannot run inside a transaction block"
		if !m.NoTx {
			out.Advice = "make `" + migration.NoTransactionDirective + "` the very first line of the file to run it outside a transaction"
		} else {
			out.Advice = "the file starts with `" + migration.NoTransactionDirective + "`, but PostgreSQL runs a file of several statements " +
				"as one implicit transaction: put this statement in a migration file of its own"
		}
	}
	return out
}

// lineColumn turns PostgreSQL's 1-based character position into a 1-based
// line and column.
func lineColumn(sql string, pos int) (int, int) {
	line, col, n := 1, 1, 1
	for _, r := range sql {
		if n == pos {
			break
		}
		n++
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
