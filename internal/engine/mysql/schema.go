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

// DumpSchema prints the schema as SHOW CREATE renders it: the tables by
// name, then the views by name, then the ledger's rows. Triggers, routines
// and events are not printed yet.
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
	if hasLedger {
		ins, err := store.LedgerInserts(ctx, s.conn, s.Table(), s.Table(), func(c []byte) string { return "X'" + hex.EncodeToString(c) + "'" })
		if err != nil {
			return "", err
		}
		b.WriteString(ins)
	}
	return b.String(), nil
}
