package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Dumper is a store that prints its database's schema as SQL: every object
// in an order that loads into an empty database, then the ledger's rows as
// INSERTs, so the text says which migrations it reflects. The same
// database gives the same bytes: nothing of the run (times, paths, server
// versions) is in it, and each row's installed_on (left to its default) and
// execution_time (0) are not either.
type Dumper interface {
	DumpSchema(ctx context.Context) (string, error)
}

// SchemaHeader starts every dump.
const SchemaHeader = "-- The schema, as `dbprep schema` prints it: every object in an order that loads\n" +
	"-- into an empty database, then the migrations it reflects. Do not edit.\n\n"

// ledgerRow is a ledger row as the dump writes it.
type ledgerRow struct {
	version     int64
	description string
	checksum    []byte
}

// ledgerInserts writes rows as one INSERT, with blob the dialect's literal
// for bytes.
func ledgerInserts(table string, rows []ledgerRow, blob func([]byte) string) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- The migrations this schema reflects.\nINSERT INTO %s (version, description, success, checksum, execution_time) VALUES\n", table)
	for i, r := range rows {
		sep := ",\n"
		if i == len(rows)-1 {
			sep = ";\n"
		}
		fmt.Fprintf(&b, "    (%d, '%s', TRUE, %s, 0)%s", r.version, strings.ReplaceAll(r.description, "'", "''"), blob(r.checksum), sep)
	}
	return b.String()
}

// LedgerInserts reads the applied rows of the ledger table (a table that
// exists) on q and writes them as one INSERT into name (the table as the
// dump must name it), with blob the engine's literal for bytes; no rows
// give "".
func LedgerInserts(ctx context.Context, q *sql.Conn, table, name string, blob func([]byte) string) (string, error) {
	rows, err := readLedgerRows(ctx, q, table)
	if err != nil {
		return "", err
	}
	return ledgerInserts(name, rows, blob), nil
}

// ledgerRowsSQL reads the applied rows a dump lists (%s: the table).
const ledgerRowsSQL = "SELECT version, description, checksum FROM %s WHERE success ORDER BY version"

func readLedgerRows(ctx context.Context, q *sql.Conn, table string) ([]ledgerRow, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf(ledgerRowsSQL, table))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	var out []ledgerRow
	for rows.Next() {
		var r ledgerRow
		if err := rows.Scan(&r.version, &r.description, &r.checksum); err != nil {
			return nil, fmt.Errorf("reading %s: %w", table, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
