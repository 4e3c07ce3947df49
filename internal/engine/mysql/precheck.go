package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/sqllex"
)

// delimiterLine is a mysql-client DELIMITER command on a line of its own.
var delimiterLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?im)^[ \t]*DELIMITER[ \t]+\S+`) })

// Precheck refuses, before any migration runs, what MySQL would fail on
// half-way, after earlier DDL committed: a DELIMITER line (a command of
// the mysql client, not SQL: sqlx sends the file as one query), a
// description the ledger's character set cannot store (a latin1 database
// or ledger), and a session without a database.
func (s *Store) Precheck(ctx context.Context, pending []*migration.Migration) error {
	if err := s.requireDatabase(ctx); err != nil {
		return err
	}
	for _, m := range pending {
		script, err := m.Load()
		if err != nil {
			return err
		}
		if !hasStatement(script) {
			return fmt.Errorf("%s: migration %d has no SQL statement (it is empty, or comments only): MySQL refuses an empty query (error 1065 \"Query was empty\"), "+
				"under sqlx too, after writing the migration's row; add its statements, or delete the file (nothing was run)", m.File, m.Version)
		}
		if loc := delimiterLine().FindStringIndex(script); loc != nil {
			line := strings.Count(script[:loc[0]], "\n") + 1
			return fmt.Errorf("%s:%d: migration %d has a DELIMITER line, a command of the mysql client, not SQL: sqlx (and dbprep) send the whole file as one query, "+
				"so write CREATE PROCEDURE … BEGIN …; END; as it stands, without DELIMITER and without the custom delimiter after END, then run again (nothing was run)",
				m.File, line, m.Version)
		}
	}
	charset, where, err := s.descriptionCharset(ctx)
	if err != nil || !strings.HasPrefix(charset, "latin1") {
		return err
	}
	for _, m := range pending {
		if bad := notLatin1(m.Description); bad != "" {
			return fmt.Errorf("%s: migration %d's description %q holds %q, which %s (character set %s) cannot store: MySQL would commit the migration's DDL and then refuse its ledger row "+
				"(error 1366), as it does under sqlx. Rename the file to Latin-1 text, or make the ledger utf8mb4 (ALTER DATABASE … CHARACTER SET utf8mb4 before the ledger is created, "+
				"or ALTER TABLE %s CONVERT TO CHARACTER SET utf8mb4), then run again (nothing was run)",
				m.File, m.Version, m.Description, bad, where, charset, s.Table())
		}
	}
	return nil
}

// hasStatement says whether script holds anything but white space and
// comments (MySQL's # comments too).
func hasStatement(script string) bool {
	for t := range sqllex.Tokens(script, sqllex.SQLite) {
		switch t.Kind {
		case sqllex.Space, sqllex.LineComment, sqllex.BlockComment:
			continue
		case sqllex.Byte:
			if script[t.Start] == '#' {
				// A # comment, to the end of its line: skip by looking at
				// what follows the line.
				rest := script[t.Start:]
				if i := strings.IndexByte(rest, '\n'); i >= 0 {
					return hasStatement(rest[i+1:])
				}
				return false
			}
		}
		return true
	}
	return false
}

// descriptionCharset is the character set the ledger's description column
// has, or, before the ledger exists, the one it will get: the database's.
func (s *Store) descriptionCharset(ctx context.Context) (charset, where string, err error) {
	var cs sql.NullString
	err = s.conn.QueryRowContext(ctx, `SELECT CHARACTER_SET_NAME FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'description'`, strings.ReplaceAll(s.Table(), "`", "")).Scan(&cs)
	if err == nil && cs.Valid {
		return cs.String, "the ledger's description column", nil
	}
	if err != nil && err != sql.ErrNoRows {
		return "", "", err
	}
	err = s.conn.QueryRowContext(ctx, "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()").Scan(&cs)
	if err != nil {
		return "", "", err
	}
	return cs.String, "the database, whose character set the new ledger gets,", nil
}

// notLatin1 is the first character of s that MySQL's latin1 (Windows-1252)
// cannot hold, or "".
func notLatin1(s string) string {
	for _, r := range s {
		if r > 0xff && !strings.ContainsRune("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", r) {
			return string(r)
		}
	}
	return ""
}
