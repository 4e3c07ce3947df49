// Package sqllex is dbprep's one SQL lexer: it cuts SQL text into words,
// single bytes, white space, comments, string literals, quoted identifiers
// and dollar-quoted bodies, so that what reads SQL (migrate lint's rules,
// dbprep vet's statement splitting and placeholder rewriting) never takes
// a keyword, a ';' or a '?' inside a literal or a comment for one. It is a
// lexer, not a parser: it knows where tokens are, not what they mean.
//
// Every byte of the text is in exactly one token, in order; a literal,
// quoted name or comment left open runs to the end of the text.
package sqllex

import (
	"iter"
	"strings"
)

// Kind is what a token is.
type Kind int

const (
	// Word is a keyword or an unquoted name: a letter, '_' or a non-ASCII
	// byte, then those or digits.
	Word Kind = iota
	// Byte is any other single byte outside the tokens below: punctuation,
	// an operator, a digit, a placeholder's '?', ':' or '@', a ';'.
	Byte
	// Space is a run of spaces, tabs, carriage returns, form feeds and
	// newlines.
	Space
	// LineComment is "--" up to the end of its line (the newline is not in it).
	LineComment
	// BlockComment is "/* … */" (not nested, as SQLite reads it).
	BlockComment
	// String is a '…' literal, a doubled quote standing for one; with
	// Options.EscapeStrings, also E'…' with backslash escapes.
	String
	// QuotedName is a "…" or `…` name (a doubled quote standing for one),
	// and with Options.Brackets a […] one.
	QuotedName
	// DollarBody is a PostgreSQL $tag$ … $tag$ string, tags included.
	DollarBody
)

var kindNames = [...]string{"Word", "Byte", "Space", "LineComment", "BlockComment", "String", "QuotedName", "DollarBody"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Token is one token: the bytes [Start, End) of the text, starting on Line
// (1-based).
type Token struct {
	Kind       Kind
	Start, End int
	Line       int
}

// Text is the token's text in sql.
func (t Token) Text(sql string) string { return sql[t.Start:t.End] }

// Code reports whether the token is SQL the database reads as code: a word
// or a byte, not white space, a comment, a literal or a quoted name.
func (t Token) Code() bool { return t.Kind == Word || t.Kind == Byte }

// Options are what differs between the engines' lexers.
type Options struct {
	// Brackets reads [name] as a quoted name, as SQLite does (PostgreSQL
	// reads '[' as an array subscript).
	Brackets bool
	// EscapeStrings reads E'…' (or e'…') as a string with backslash
	// escapes (\' does not end it), as PostgreSQL does.
	EscapeStrings bool
}

// SQLite and Postgres are the options of each engine.
var (
	SQLite   = Options{Brackets: true}
	Postgres = Options{EscapeStrings: true}
)

// Tokens yields the tokens of sql in order.
func Tokens(sql string, o Options) iter.Seq[Token] {
	return func(yield func(Token) bool) {
		line := 1
		for i := 0; i < len(sql); {
			kind, end := next(sql, i, o)
			if !yield(Token{Kind: kind, Start: i, End: end, Line: line}) {
				return
			}
			line += strings.Count(sql[i:end], "\n")
			i = end
		}
	}
}

// next is the kind and end of the token starting at i.
func next(sql string, i int, o Options) (Kind, int) {
	c := sql[i]
	switch {
	case isSpace(c):
		j := i + 1
		for j < len(sql) && isSpace(sql[j]) {
			j++
		}
		return Space, j
	case c == '-' && strings.HasPrefix(sql[i:], "--"):
		if end := strings.IndexByte(sql[i:], '\n'); end >= 0 {
			return LineComment, i + end
		}
		return LineComment, len(sql)
	case c == '/' && strings.HasPrefix(sql[i:], "/*"):
		if end := strings.Index(sql[i+2:], "*/"); end >= 0 {
			return BlockComment, i + 2 + end + 2
		}
		return BlockComment, len(sql)
	case c == '\'':
		return String, quoted(sql, i, '\'')
	case c == '"' || c == '`':
		return QuotedName, quoted(sql, i, c)
	case c == '[' && o.Brackets:
		if end := strings.IndexByte(sql[i+1:], ']'); end >= 0 {
			return QuotedName, i + 1 + end + 1
		}
		return QuotedName, len(sql)
	case (c == 'E' || c == 'e') && o.EscapeStrings && i+1 < len(sql) && sql[i+1] == '\'' && (i == 0 || !isWordByte(sql[i-1])):
		return String, escaped(sql, i+1)
	case c == '$':
		if tag := DollarTag(sql[i:]); tag != "" {
			if end := strings.Index(sql[i+len(tag):], tag); end >= 0 {
				return DollarBody, i + len(tag) + end + len(tag)
			}
			return DollarBody, len(sql)
		}
		return Byte, i + 1
	case isWordStart(c):
		j := i + 1
		for j < len(sql) && isWordByte(sql[j]) {
			j++
		}
		return Word, j
	default:
		return Byte, i + 1
	}
}

// quoted is the end of the quoted token opening at i with q: after the
// closing quote (a doubled quote stands for one), else the end of sql.
func quoted(sql string, i int, q byte) int {
	for j := i + 1; j < len(sql); j++ {
		if sql[j] != q {
			continue
		}
		if j+1 < len(sql) && sql[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return len(sql)
}

// escaped is the end of an E'…' string whose quote is at i: a backslash
// escapes the byte after it, and a doubled quote stands for one.
func escaped(sql string, i int) int {
	for j := i + 1; j < len(sql); j++ {
		switch sql[j] {
		case '\\':
			j++
		case '\'':
			if j+1 < len(sql) && sql[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(sql)
}

// DollarTag is the opening tag of a dollar-quoted body at the start of s
// ("$$" or "$tag$", the tag a name that does not start with a digit), or
// "" if s does not start one: "$1" is a parameter.
func DollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1]
		case isWordStart(c):
		case c >= '0' && c <= '9' && j > 1:
		default:
			return ""
		}
	}
	return ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWordByte(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

// Statements yields each statement of sql as the tokens between top-level
// ';' bytes (the ';' left out), skipping statements with no code (white
// space and comments only).
func Statements(sql string, o Options) iter.Seq[[]Token] {
	return func(yield func([]Token) bool) {
		var cur []Token
		code := false
		for t := range Tokens(sql, o) {
			if t.Kind == Byte && sql[t.Start] == ';' {
				if code && !yield(cur) {
					return
				}
				cur, code = nil, false
				continue
			}
			cur = append(cur, t)
			code = code || t.Kind != Space && t.Kind != LineComment && t.Kind != BlockComment
		}
		if code {
			yield(cur)
		}
	}
}
