// Package effect finds what a change does to the schema already released,
// from the engine's own catalog, not from the SQL text: it applies the
// release's migrations to a throwaway database, then each new migration
// in turn, and compares the tables and columns the engine reports before
// and after each.
package effect

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dbprep/dbprep/internal/engine"
)

// Column is what the catalog says of a column.
type Column struct {
	Type       string
	NotNull    bool
	HasDefault bool
}

// Catalog is the tables of a database (schema-qualified on PostgreSQL)
// and their columns by name.
type Catalog map[string]map[string]Column

// read reads the catalog of the database db is connected to, less the
// ledger table and the engine's own.
func read(ctx context.Context, db *sql.DB, e engine.Engine, ledger string) (Catalog, error) {
	switch e {
	case engine.Postgres:
		return readPostgres(ctx, db, ledger)
	case engine.MySQL:
		return readMySQL(ctx, db, ledger)
	}
	return readSQLite(ctx, db, ledger)
}

func readSQLite(ctx context.Context, db *sql.DB, ledger string) (Catalog, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?", ledger)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c := Catalog{}
	for _, t := range tables {
		cols := map[string]Column{}
		rows, err := db.QueryContext(ctx, "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)", t)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, typ string
			var notNull, hasDefault bool
			var pk int
			if err := rows.Scan(&name, &typ, &notNull, &hasDefault, &pk); err != nil {
				rows.Close()
				return nil, err
			}
			// An INTEGER PRIMARY KEY is the rowid: given a value when none is.
			cols[name] = Column{Type: strings.ToUpper(typ), NotNull: notNull, HasDefault: hasDefault || pk > 0 && strings.EqualFold(typ, "integer")}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		c[t] = cols
	}
	return c, nil
}

const postgresColumns = `
SELECT n.nspname || '.' || c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT (c.relname = $1 AND n.nspname = current_schema())
  AND c.oid::regclass::text <> $1`

func readPostgres(ctx context.Context, db *sql.DB, ledger string) (Catalog, error) {
	return readColumns(ctx, db, postgresColumns, ledger, nil)
}

// readColumns reads a catalog from query, whose rows are a table, a
// column's name, type, NOT NULL and whether it has a default; typ, when
// given, rewrites each type.
func readColumns(ctx context.Context, db *sql.DB, query, ledger string, typ func(string) string) (Catalog, error) {
	rows, err := db.QueryContext(ctx, query, ledger)
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	defer rows.Close()
	c := Catalog{}
	for rows.Next() {
		var table, name string
		var col Column
		if err := rows.Scan(&table, &name, &col.Type, &col.NotNull, &col.HasDefault); err != nil {
			return nil, err
		}
		if typ != nil {
			col.Type = typ(col.Type)
		}
		if c[table] == nil {
			c[table] = map[string]Column{}
		}
		c[table][name] = col
	}
	return c, rows.Err()
}

// mysqlColumns is the connection's database's columns. A default is a
// COLUMN_DEFAULT (MariaDB's 'NULL' for DEFAULT NULL too), an
// auto_increment or a generated column; the type is COLUMN_TYPE, with
// the integers' display width dropped (int(11) is int: MariaDB shows it,
// MySQL 8 does not).
const mysqlColumns = `
SELECT table_name, column_name, column_type, is_nullable = 'NO',
       column_default IS NOT NULL OR extra LIKE '%auto_increment%' OR extra LIKE '%GENERATED%'
FROM information_schema.columns
WHERE table_schema = DATABASE() AND table_name <> ?
  AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE')`

func readMySQL(ctx context.Context, db *sql.DB, ledger string) (Catalog, error) {
	return readColumns(ctx, db, mysqlColumns, strings.ReplaceAll(ledger, "`", ""), mysqlType)
}

// mysqlType is a MySQL COLUMN_TYPE in the words widens knows: integers
// without their display width (int(11) unsigned is int unsigned), int as
// integer.
func mysqlType(t string) string {
	t = strings.ToLower(t)
	for _, n := range []string{"tinyint", "smallint", "mediumint", "bigint", "int"} {
		if rest, ok := strings.CutPrefix(t, n+"("); ok {
			if _, after, ok := strings.Cut(rest, ")"); ok {
				t = n + after
			}
			break
		}
	}
	if t == "int" || strings.HasPrefix(t, "int ") {
		t = "integer" + t[3:]
	}
	return t
}
