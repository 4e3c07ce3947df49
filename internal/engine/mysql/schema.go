package mysql

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
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
	var b strings.Builder
	b.WriteString(store.SchemaHeader)
	hasLedger := false
	for _, q := range []string{
		"SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_TYPE DESC, ROUTINE_NAME",
		"SELECT IF(TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE'), TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_TYPE = 'VIEW', TABLE_NAME",
		"SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER",
		"SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY EVENT_NAME",
	} {
		objects, err := s.list(ctx, q)
		if err != nil {
			return "", err
		}
		hasLedger = hasLedger || slices.Contains(objects, [2]string{"TABLE", s.Table()})
		text, err := s.showCreate(ctx, objects)
		if err != nil {
			return "", err
		}
		b.WriteString(text)
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

// showCreate prints SHOW CREATE KIND name of each of objects, (KIND, name): its statement column, "Create KIND" (or "SQL
// Original Statement", a trigger's), the others (sql_mode, character sets,
// a trigger's "Created" time) left out.
func (s *Store) showCreate(ctx context.Context, objects [][2]string) (string, error) {
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
		b.WriteString(stateless(o[0], create) + ";\n\n")
	}
	return b.String(), nil
}

// list runs query, whose rows are (KIND, name), and returns them.
func (s *Store) list(ctx context.Context, query string) ([][2]string, error) {
	rows, err := s.conn.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("reading the schema: %w", err)
	}
	defer rows.Close()
	var objects [][2]string
	for rows.Next() {
		var o [2]string
		if err := rows.Scan(&o[0], &o[1]); err != nil {
			return nil, fmt.Errorf("reading the schema: %w", err)
		}
		objects = append(objects, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the schema: %w", err)
	}
	return objects, nil
}

// stateless is a SHOW CREATE text without the state it prints: a table's
// AUTO_INCREMENT=N (in its options, after the last column's line), an
// event's STARTS (before its body), never the same words in a comment or
// a body.
func stateless(kind, create string) string {
	cut := func(re *regexp.Regexp, from, to int) string {
		if loc := re.FindStringIndex(create[from:to]); loc != nil {
			return create[:from+loc[0]] + create[from+loc[1]:]
		}
		return create
	}
	switch kind {
	case "TABLE":
		if i := strings.LastIndex(create, "\n)"); i >= 0 {
			return cut(autoIncrement(), i, len(create))
		}
	case "EVENT":
		if i := strings.Index(create, " DO "); i >= 0 {
			return cut(eventStarts(), 0, i)
		}
	}
	return create
}
