package sqlite

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/dbprep/dbprep/internal/store"
)

// DumpSchema prints the schema: tables and their indexes by name, views in
// the order they were created (a view can only name what existed before
// it), then triggers by name; SQLite's own objects are left out.
func (s *Store) DumpSchema(ctx context.Context) (string, error) {
	rows, err := s.conn.QueryContext(ctx, `SELECT sql, type = 'table' AND name = ? FROM sqlite_master
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END,
		         CASE type WHEN 'view' THEN printf('%020d', rowid) ELSE name END`, s.Table())
	if err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	defer rows.Close()
	var b strings.Builder
	b.WriteString(store.SchemaHeader)
	hasLedger := false
	for rows.Next() {
		var sql string
		var isLedger bool
		if err := rows.Scan(&sql, &isLedger); err != nil {
			return "", fmt.Errorf("reading the schema: %w", err)
		}
		hasLedger = hasLedger || isLedger
		b.WriteString(strings.TrimSpace(sql) + ";\n\n")
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	rows.Close()
	if hasLedger {
		rows, err := store.LedgerInserts(ctx, s.conn, s.Table(), s.Table(), sqliteBlob)
		if err != nil {
			return "", err
		}
		b.WriteString(rows)
	}
	return b.String(), nil
}

func sqliteBlob(b []byte) string { return "X'" + hex.EncodeToString(b) + "'" }
