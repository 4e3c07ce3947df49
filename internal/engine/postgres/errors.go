package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// describePgError adds the line and column, and advice for the
// transaction-block errors that "-- no-transaction" is about.
func describePgError(err error, m *migration.Migration) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	out := &store.PgError{Err: pe, Severity: pe.Severity, Code: pe.Code, Message: pe.Message, Detail: pe.Detail, Hint: pe.Hint}
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
