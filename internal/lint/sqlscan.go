package lint

import (
	"strings"

	"github.com/dbprep/dbprep/internal/sqllex"
)

// word is a keyword or identifier of SQL text, upper-cased, with its line.
type word struct {
	text string
	line int
}

// lexOptions: lint reads a directory without knowing the engine, so it
// reads SQLite's [names] and PostgreSQL's E'strings' (and, as always,
// dollar-quoted bodies) alike.
var lexOptions = sqllex.Options{Brackets: true, EscapeStrings: true}

// statements splits SQL into statements of words, skipping comments, string
// literals, quoted identifiers and dollar-quoted bodies (internal/sqllex),
// so that a keyword in any of those is never taken for one; a dollar-quoted
// body is the word "$BODY". Statements end at ';'. It knows only where
// words are, for the lint rules.
func statements(sql string) [][]word {
	var out [][]word
	for st := range sqllex.Statements(sql, lexOptions) {
		var cur []word
		for _, t := range st {
			switch t.Kind {
			case sqllex.Word:
				cur = append(cur, word{text: strings.ToUpper(t.Text(sql)), line: t.Line})
			case sqllex.DollarBody:
				cur = append(cur, word{text: "$BODY", line: t.Line})
			}
		}
		if len(cur) > 0 {
			out = append(out, cur)
		}
	}
	return out
}

// has reports whether the words hold the sequence seq, and the line of
// its first word.
func has(ws []word, seq ...string) (int, bool) {
	for i := 0; i+len(seq) <= len(ws); i++ {
		match := true
		for k, s := range seq {
			if ws[i+k].text != s {
				match = false
				break
			}
		}
		if match {
			return ws[i].line, true
		}
	}
	return 0, false
}
