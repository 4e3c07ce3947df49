// Package sqltext reads SQL text as database drivers and jmoiron/sqlx do,
// without parsing it: it splits a script into statements and rewrites
// placeholders (`?` to `$n`, `:name` and `@name` to positions), never
// touching string literals, quoted identifiers, comments or dollar-quoted
// bodies.
package sqltext

import (
	"strconv"
	"strings"

	"github.com/dbprep/dbprep/internal/sqllex"
)

// Statement is one statement of a script and its byte offset in the script.
type Statement struct {
	Text   string
	Offset int
}

// Split splits a PostgreSQL script into its statements at top-level
// semicolons. Empty statements (whitespace and comments only) are dropped;
// each statement keeps its text as written, without the semicolon.
func Split(sql string) []Statement {
	var out []Statement
	for st := range sqllex.Statements(sql, sqllex.Postgres) {
		start := st[0].Start
		out = append(out, Statement{Text: sql[start:st[len(st)-1].End], Offset: start})
	}
	return out
}

// walk calls visit with the index of every byte of sql that is SQL code
// (outside literals, quoted names, comments and dollar-quoted bodies) and
// not part of a word; visit returns where to go on.
func walk(sql string, o sqllex.Options, visit func(i int) int) {
	next := 0
	for t := range sqllex.Tokens(sql, o) {
		if t.Kind == sqllex.Byte && t.Start >= next {
			next = visit(t.Start)
		}
	}
}

// Rebind rewrites each `?` placeholder as `$1`, `$2`, … in order, as
// jmoiron/sqlx's Rebind does for PostgreSQL. `??` (an escaped `?`) becomes
// `?`, as in sqlx.
func Rebind(sql string) string {
	var b strings.Builder
	last, n := 0, 0
	walk(sql, sqllex.Postgres, func(i int) int {
		if sql[i] != '?' {
			return i + 1
		}
		b.WriteString(sql[last:i])
		if i+1 < len(sql) && sql[i+1] == '?' {
			b.WriteByte('?')
			last = i + 2
			return i + 2
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
		last = i + 1
		return i + 1
	})
	b.WriteString(sql[last:])
	return b.String()
}

// Positional rewrites named parameters as positional ones and returns the
// names in order: jmoiron/sqlx's `:name` (prefix ':'; `::` stays, it is a
// cast) or pgx's `@name` (prefix '@'). A name may hold letters, digits,
// '_' and '.'. dollar says whether the result uses `$n` (PostgreSQL) or `?`.
// A name used twice gets one position with `$n`, as pgx does.
func Positional(sql string, prefix byte, dollar bool) (string, []string) {
	var b strings.Builder
	var names []string
	index := map[string]int{}
	last := 0
	o := sqllex.SQLite
	if dollar {
		o = sqllex.Postgres
	}
	walk(sql, o, func(i int) int {
		if sql[i] != prefix {
			return i + 1
		}
		if prefix == ':' && (i+1 < len(sql) && sql[i+1] == ':' || i > 0 && sql[i-1] == ':') {
			return i + 2 // a cast
		}
		j := i + 1
		for j < len(sql) && nameByte(sql[j], j == i+1) {
			j++
		}
		if j == i+1 {
			return j
		}
		name := sql[i+1 : j]
		b.WriteString(sql[last:i])
		if dollar {
			n, ok := index[name]
			if !ok {
				names = append(names, name)
				n = len(names)
				index[name] = n
			}
			b.WriteString("$" + strconv.Itoa(n))
		} else {
			names = append(names, name)
			b.WriteByte('?')
		}
		last = j
		return j
	})
	b.WriteString(sql[last:])
	return b.String(), names
}

func nameByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 ||
		!first && (c >= '0' && c <= '9' || c == '.')
}

// Quote is how messages show sql: its first non-blank line, trimmed, and
// while that is shorter than 30 bytes (a query written as "\nselect\n
// id, name\nfrom users …" starts with a lone keyword) the lines after it,
// each with its white space folded, up to about 60 bytes ("…" marks a cut),
// so that the query can be recognised.
func Quote(sql string) string {
	var lines []string
	for _, l := range strings.Split(sql, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	q := strings.TrimSpace(lines[0])
	for _, l := range lines[1:] {
		if len(q) >= 30 {
			break
		}
		q += " " + l
	}
	if len(q) > 60 && len(q) > len(lines[0]) {
		cut := strings.LastIndexByte(q[:60], ' ')
		if cut < len(lines[0]) {
			cut = 60
		}
		q = q[:cut] + " …"
	}
	return q
}

// FirstLine is the first non-blank line of sql, trimmed, for messages.
func FirstLine(sql string) string {
	for _, l := range strings.Split(sql, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
