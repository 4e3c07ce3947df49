package prepare

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrNotReproducible is a prepared database whose bytes differ between two
// builds from the same migrations.
var ErrNotReproducible = errors.New("the prepared database is not reproducible")

// checkReproducible builds the database a second time beside first and
// compares the bytes. When they differ it names the schema objects and
// tables whose contents differ, with the first differing row.
func checkReproducible(ctx context.Context, cfg Config, first string) error {
	second, err := tempName(cfg.Out)
	if err != nil {
		return err
	}
	defer removeTemp(second)
	if _, _, err := build(ctx, cfg, second, nil); err != nil {
		return fmt.Errorf("preparing a second time to check: %w", err)
	}
	a, err := os.ReadFile(first)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(second)
	if err != nil {
		return err
	}
	if bytes.Equal(a, b) {
		return nil
	}
	diffs, err := describeDiff(ctx, first, second)
	if err != nil {
		return fmt.Errorf("%w (and comparing the two builds failed: %v)", ErrNotReproducible, err)
	}
	if len(diffs) == 0 {
		diffs = []string{"the files differ, but no table, index, view or trigger does (the header or free pages?)"}
	}
	return fmt.Errorf("%w: two builds from the same migrations differ:\n  %s\n"+
		"a migration reads something that is neither the migrations nor SOURCE_DATE_EPOCH; make it constant",
		ErrNotReproducible, strings.Join(diffs, "\n  "))
}

// describeDiff lists what differs between two SQLite files: schema
// objects by name, and each table's first differing row.
func describeDiff(ctx context.Context, pathA, pathB string) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+pathA+"?mode=ro&immutable=1")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS b", "file:"+pathB+"?mode=ro&immutable=1"); err != nil {
		return nil, err
	}
	var diffs []string
	rows, err := conn.QueryContext(ctx, `SELECT type, name FROM (SELECT type, name, sql FROM main.sqlite_master
		EXCEPT SELECT type, name, sql FROM b.sqlite_master) ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			rows.Close()
			return nil, err
		}
		diffs = append(diffs, fmt.Sprintf("%s %s: its definition", typ, name))
	}
	rows.Close()
	tables, err := stringsOf(ctx, conn, "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if d := rowDiff(ctx, conn, t); d != "" {
			diffs = append(diffs, fmt.Sprintf("table %s: %s", t, d))
		}
	}
	return diffs, nil
}

// rowDiff shows table's first row that one build has and the other has not.
func rowDiff(ctx context.Context, conn *sql.Conn, table string) string {
	q := quoteIdent(table)
	for _, dir := range []struct{ from, to, label string }{{"main", "b", "first"}, {"b", "main", "second"}} {
		rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT * FROM %[1]s.%[3]s EXCEPT SELECT * FROM %[2]s.%[3]s LIMIT 1", dir.from, dir.to, q))
		if err != nil {
			return "" // EXCEPT needs matching columns; a differing definition is listed already
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		found := rows.Next() && rows.Scan(ptrs...) == nil
		rows.Close()
		if found {
			parts := make([]string, len(cols))
			for i, c := range cols {
				parts[i] = fmt.Sprintf("%s=%v", c, vals[i])
			}
			return fmt.Sprintf("only the %s build has the row (%s)", dir.label, strings.Join(parts, ", "))
		}
	}
	return ""
}

func stringsOf(ctx context.Context, conn *sql.Conn, q string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
