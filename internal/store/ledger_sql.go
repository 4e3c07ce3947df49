package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// querier is what the shared ledger queries need of a *sql.Conn or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func dirty(ctx context.Context, q querier, table string) (int64, bool, error) {
	var v int64
	err := q.QueryRowContext(ctx, fmt.Sprintf(
		"SELECT version FROM %s WHERE success = false ORDER BY version LIMIT 1", table)).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("reading %s: %w", table, err)
	}
	return v, true, nil
}

func applied(ctx context.Context, q querier, table string) ([]Applied, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf("SELECT version, checksum FROM %s ORDER BY version", table))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	var out []Applied
	for rows.Next() {
		var a Applied
		if err := rows.Scan(&a.Version, &a.Checksum); err != nil {
			return nil, fmt.Errorf("reading %s: %w", table, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", table, err)
	}
	return out, nil
}

// checkNotApplied returns ErrAlreadyApplied when version is in the ledger.
// placeholder is the driver's first parameter ("?1" or "$1").
func checkNotApplied(ctx context.Context, q querier, table string, version int64, placeholder string) error {
	var one int
	err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT 1 FROM %s WHERE version = %s", table, placeholder), version).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return ErrAlreadyApplied
}
