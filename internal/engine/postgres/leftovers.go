package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/dbprep/dbprep/internal/migration"
)

// concurrentIndex finds the index a CREATE INDEX CONCURRENTLY names.
// Compiled on first use: it costs a program's start-up 1.4 M instructions
// otherwise, and only a dirty migration needs it.
var concurrentIndex = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?is)\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[\p{L}_][\p{L}\p{N}_$]*)`)
})

// Leftovers says, for a migration whose ledger row is dirty, what of it is
// in the database: for each index it creates CONCURRENTLY, whether the
// index is there and valid, INVALID (the build did not finish), or absent.
// It reads only the catalog.
func (p *Store) Leftovers(ctx context.Context, m *migration.Migration) ([]string, error) {
	script, err := m.Load()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, match := range concurrentIndex().FindAllStringSubmatch(script, -1) {
		name := match[1]
		if strings.HasPrefix(name, `"`) {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		} else {
			name = strings.ToLower(name)
		}
		var valid bool
		err := p.conn.QueryRowContext(ctx, `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE c.relname = $1 AND pg_table_is_visible(c.oid)`, name).Scan(&valid)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out = append(out, fmt.Sprintf("index %s is absent", name))
		case err != nil:
			return out, fmt.Errorf("looking for index %s: %w", name, err)
		case valid:
			out = append(out, fmt.Sprintf("index %s exists and is valid: the build finished", name))
		default:
			out = append(out, fmt.Sprintf("index %s exists and is INVALID: the build did not finish (DROP INDEX CONCURRENTLY %s)", name, name))
		}
	}
	return out, nil
}
