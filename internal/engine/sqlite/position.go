package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"modernc.org/libc"

	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// Error is SQLite's error for a migration, with the line and column
// of the file where it arose (0 when dbprep could not tell).
type Error struct {
	Err          error
	Line, Column int
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v at line %d, column %d", e.Err, e.Line, e.Column)
}

func (e *Error) Unwrap() error { return e.Err }

// locateLimit bounds the scripts whose failure is located: locating runs
// the statements again, one at a time.
const locateLimit = 1 << 20

// describeError is the ledger's Describe for SQLite: it finds the line and
// column of a failed migration's error. SQLite's error carries no position
// and database/sql hides sqlite3_error_offset, so inside the migration's
// own place (never for one that ran outside a transaction, whose
// statements must not run twice) it rolls the migration back, runs the
// script again a statement at a time in a transaction it then rolls back,
// up to the statement that fails the same way, and places the error on the token the message names
// ("near \"X\"", "no such table: X", …), else on the statement's start.
func describeError(noTx bool) func(*sql.Conn, error, *migration.Migration) error {
	return func(conn *sql.Conn, err error, m *migration.Migration) error {
		err = classify(err)
		if noTx && m.NoTx || len(m.SQL) > locateLimit {
			return err
		}
		// The migration's transaction is rolled back anyway: end it now, so
		// that its statements run again on the database as it was, in a
		// transaction of this function's that it rolls back too. The
		// ledger's own ROLLBACK afterwards finds none and changes nothing.
		ctx := context.Background()
		conn.ExecContext(ctx, "ROLLBACK")
		if _, serr := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); serr != nil {
			return err
		}
		defer conn.ExecContext(ctx, "ROLLBACK")
		for _, st := range splitStatements(m.SQL) {
			_, serr := conn.ExecContext(ctx, m.SQL[st[0]:st[1]])
			if serr == nil {
				continue
			}
			if serr.Error() != strings.TrimSpace(store.WithoutCause(err).Error()) {
				return err // another failure than the migration's own: say nothing of where
			}
			off := st[0] + tokenOffset(m.SQL[st[0]:st[1]], serr.Error())
			line, col := lineColumnBytes(m.SQL, off)
			return &Error{Err: err, Line: line, Column: col}
		}
		return err
	}
}

// splitStatements cuts a script into its statements, [start, end) byte
// ranges, where SQLite's sqlite3_complete says one ends.
func splitStatements(script string) [][2]int {
	tls := libc.NewTLS()
	defer tls.Close()
	var out [][2]int
	start := 0
	for i := 0; i < len(script); i++ {
		if script[i] != ';' {
			continue
		}
		if complete(tls, script[start:i+1]) {
			out = append(out, [2]int{start, i + 1})
			start = i + 1
		}
	}
	if strings.TrimSpace(script[start:]) != "" {
		out = append(out, [2]int{start, len(script)})
	}
	return out
}

// tokenPatterns find the name an error message is about. Compiled on
// first use: a program's start-up pays for no regexp.
var tokenPatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`near "((?:[^"]|"")+)": syntax error`),
		regexp.MustCompile(`no such (?:table|column|function|index|view|trigger): (?:\S+\.)?(\S+)`),
		regexp.MustCompile(`(?:table|index|view|trigger) "?(\S+?)"? already exists`),
		regexp.MustCompile(`duplicate column name: (\S+)`),
	}
})

// tokenOffset is the byte offset in stmt of the token msg names, else of
// the statement's first character that is not space.
func tokenOffset(stmt, msg string) int {
	for _, re := range tokenPatterns() {
		if m := re.FindStringSubmatch(msg); m != nil {
			if i := indexToken(stmt, strings.ReplaceAll(m[1], `""`, `"`)); i >= 0 {
				return i
			}
		}
	}
	return len(stmt) - len(strings.TrimLeft(stmt, " \t\r\n"))
}

// lineColumnBytes turns a byte offset into a 1-based line and column
// (counted in characters).
func lineColumnBytes(s string, off int) (line, col int) {
	before := s[:min(off, len(s))]
	line = strings.Count(before, "\n") + 1
	col = len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
	return line, col
}

// indexToken is the offset of the first occurrence of tok in s that no
// letter, digit or '_' touches (tok itself as a name, not inside one),
// else of the first occurrence, else -1.
func indexToken(s, tok string) int {
	word := func(c byte) bool {
		return c == '_' || c >= 0x80 || 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9'
	}
	for from := 0; ; {
		i := strings.Index(s[from:], tok)
		if i < 0 {
			return strings.Index(s, tok)
		}
		i += from
		end := i + len(tok)
		if (i == 0 || !word(s[i-1]) || !word(tok[0])) && (end == len(s) || !word(s[end]) || !word(tok[len(tok)-1])) {
			return i
		}
		from = i + 1
	}
}
