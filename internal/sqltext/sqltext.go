// Package sqltext reads SQL text as database drivers and jmoiron/sqlx do,
// without parsing it: it splits a script into statements and rewrites
// placeholders (`?` to `$n`, `:name` and `@name` to positions), never
// touching string literals, quoted identifiers, comments or dollar-quoted
// bodies.
package sqltext

import (
	"strconv"
	"strings"
)

// Statement is one statement of a script and its byte offset in the script.
type Statement struct {
	Text   string
	Offset int
}

// Split splits a script into its statements at top-level semicolons. Empty
// statements (whitespace and comments only) are dropped; each statement
// keeps its text as written, without the semicolon.
func Split(sql string) []Statement {
	var out []Statement
	start := 0
	emit := func(end int) {
		if s := sql[start:end]; !blank(s) {
			out = append(out, Statement{Text: s, Offset: start})
		}
	}
	walk(sql, func(i int) int {
		if sql[i] == ';' {
			emit(i)
			start = i + 1
		}
		return i + 1
	})
	emit(len(sql))
	return out
}

// blank reports whether s holds nothing but whitespace and comments.
func blank(s string) bool {
	empty := true
	walk(s, func(i int) int {
		if !strings.ContainsRune(" \t\r\n\f", rune(s[i])) {
			empty = false
		}
		return i + 1
	})
	return empty
}

// walk calls visit with the index of every byte of sql that is outside
// literals, quoted identifiers, comments and dollar-quoted bodies; visit
// returns where to go on.
func walk(sql string, visit func(i int) int) {
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				return
			}
			i += end
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return
			}
			i += 2 + end + 2
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(sql) {
				if sql[j] == c {
					if j+1 < len(sql) && sql[j+1] == c { // a doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			i = j + 1
		case c == '$' && dollarTag(sql[i:]) != "":
			tag := dollarTag(sql[i:])
			end := strings.Index(sql[i+len(tag):], tag)
			if end < 0 {
				return
			}
			i += len(tag) + end + len(tag)
		default:
			i = visit(i)
		}
	}
}

// dollarTag returns the opening tag of a dollar-quoted body at the start of
// s ("$$" or "$tag$"), or "" if s does not start one. "$1" is a parameter.
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1]
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > 1:
		default:
			return ""
		}
	}
	return ""
}

// Rebind rewrites each `?` placeholder as `$1`, `$2`, … in order, as
// jmoiron/sqlx's Rebind does for PostgreSQL. `??` (an escaped `?`) becomes
// `?`, as in sqlx.
func Rebind(sql string) string {
	var b strings.Builder
	last, n := 0, 0
	walk(sql, func(i int) int {
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
	walk(sql, func(i int) int {
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

// FirstLine is the first non-blank line of sql, trimmed, for messages.
func FirstLine(sql string) string {
	for _, l := range strings.Split(sql, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
