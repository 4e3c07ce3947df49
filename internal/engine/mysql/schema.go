package mysql

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/dbprep/dbprep/internal/store"
)

// autoIncrement is the AUTO_INCREMENT=N table option SHOW CREATE TABLE
// prints once rows were inserted: state, not schema.
var autoIncrement = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(` AUTO_INCREMENT=\d+`) })

// eventStarts is the STARTS time SHOW CREATE EVENT prints, which MySQL
// sets to the creation time when the event names none: state, not schema.
var eventStarts = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(` STARTS '[^']*'`) })

// DumpSchema prints the schema as SHOW CREATE renders it: the routines
// (procedures, then functions, by name), the tables by name, the views by
// name, the triggers (by table, timing, event and their order), the events
// by name, then the ledger's rows. Each statement ends with ";" and no
// DELIMITER line, as a migration would hold it (a routine's body keeps its
// own semicolons: the server parses BEGIN … END as one statement).
func (s *Store) DumpSchema(ctx context.Context) (string, error) {
	rows, err := s.conn.QueryContext(ctx, "SELECT TABLE_NAME, TABLE_TYPE = 'VIEW' FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_TYPE = 'VIEW', TABLE_NAME")
	if err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	type object struct {
		name string
		view bool
	}
	var objects []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.name, &o.view); err != nil {
			rows.Close()
			return "", fmt.Errorf("reading the schema: %w", err)
		}
		objects = append(objects, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	var b strings.Builder
	b.WriteString(store.SchemaHeader)
	routines, err := s.showCreate(ctx, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_TYPE DESC, ROUTINE_NAME")
	if err != nil {
		return "", err
	}
	b.WriteString(routines)
	hasLedger := false
	for _, o := range objects {
		kind := "TABLE"
		if o.view {
			kind = "VIEW"
		}
		cols := 2
		if o.view {
			cols = 4 // View, Create View, character_set_client, collation_connection
		}
		dest := make([]any, cols)
		var name, create string
		dest[0], dest[1] = &name, &create
		for i := 2; i < cols; i++ {
			dest[i] = new(string)
		}
		if err := s.conn.QueryRowContext(ctx, "SHOW CREATE "+kind+" "+quoteName(o.name)).Scan(dest...); err != nil {
			return "", fmt.Errorf("reading %s: %w", o.name, err)
		}
		b.WriteString(autoIncrement().ReplaceAllString(create, "") + ";\n\n")
		hasLedger = hasLedger || !o.view && o.name == s.Table()
	}
	for _, q := range []string{
		"SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER",
		"SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY EVENT_NAME",
	} {
		text, err := s.showCreate(ctx, q)
		if err != nil {
			return "", err
		}
		b.WriteString(eventStarts().ReplaceAllString(text, ""))
	}
	if hasLedger {
		ins, err := store.LedgerInserts(ctx, s.conn, s.Table(), s.Table(), func(c []byte) string { return "X'" + hex.EncodeToString(c) + "'" })
		if err != nil {
			return "", err
		}
		b.WriteString(ins)
	}
	return b.String(), nil
}

// showCreate runs list, whose rows are (KIND, name), and prints SHOW
// CREATE KIND name of each: its statement column, "Create KIND" (or "SQL
// Original Statement", a trigger's), the others (sql_mode, character sets,
// a trigger's "Created" time) left out.
func (s *Store) showCreate(ctx context.Context, list string) (string, error) {
	rows, err := s.conn.QueryContext(ctx, list)
	if err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	var objects [][2]string
	for rows.Next() {
		var o [2]string
		if err := rows.Scan(&o[0], &o[1]); err != nil {
			rows.Close()
			return "", fmt.Errorf("reading the schema: %w", err)
		}
		objects = append(objects, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("reading the schema: %w", err)
	}
	var b strings.Builder
	for _, o := range objects {
		r, err := s.conn.QueryContext(ctx, "SHOW CREATE "+o[0]+" "+quoteName(o[1]))
		if err != nil {
			return "", fmt.Errorf("reading %s %s: %w", strings.ToLower(o[0]), o[1], err)
		}
		cols, _ := r.Columns()
		vals := make([]any, len(cols))
		for i := range cols {
			vals[i] = new(*string)
		}
		create := ""
		if r.Next() {
			if err := r.Scan(vals...); err != nil {
				r.Close()
				return "", fmt.Errorf("reading %s %s: %w", strings.ToLower(o[0]), o[1], err)
			}
			for i, c := range cols {
				if v := *(vals[i].(**string)); v != nil && (strings.HasPrefix(c, "Create ") || c == "SQL Original Statement") {
					create = *v
				}
			}
		}
		r.Close()
		if create == "" {
			// SHOW CREATE FUNCTION gives NULL to a user without the rights to
			// read the body.
			return "", fmt.Errorf("reading %s %s: the server did not show its definition (the user may lack the rights to read it)", strings.ToLower(o[0]), o[1])
		}
		b.WriteString(create + ";\n\n")
	}
	return b.String(), nil
}
