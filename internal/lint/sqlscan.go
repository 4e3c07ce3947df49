package lint

import (
	"strings"
	"unicode"
)

// word is a keyword or identifier of SQL text, upper-cased, with its line.
type word struct {
	text string
	line int
}

// statements splits SQL into statements of words, skipping comments, string
// literals, quoted identifiers and dollar-quoted bodies, so that a keyword in
// any of those is never taken for one. Statements end at ';'. It is a
// scanner for lint rules, not a parser: it knows only where words are.
func statements(sql string) [][]word {
	var out [][]word
	var cur []word
	line := 1
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				flush()
				return out
			}
			i += end
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				end = len(sql) - i - 2
			}
			line += strings.Count(sql[i:i+2+end], "\n")
			i += 2 + end + 2
		case c == '\'' || c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			j := i + 1
			for j < len(sql) {
				if sql[j] == closer {
					if j+1 < len(sql) && sql[j+1] == closer && closer != ']' { // doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			line += strings.Count(sql[i:min(j+1, len(sql))], "\n")
			i = j + 1
		case c == '$':
			if tag, ok := dollarTag(sql[i:]); ok {
				end := strings.Index(sql[i+len(tag):], tag)
				if end < 0 {
					end = len(sql) - i - len(tag)
				}
				body := sql[i:min(i+len(tag)+end+len(tag), len(sql))]
				line += strings.Count(body, "\n")
				i += len(body)
				cur = append(cur, word{text: "$BODY", line: line})
				continue
			}
			i++
		case c == ';':
			flush()
			i++
		case c == '_' || unicode.IsLetter(rune(c)):
			j := i
			for j < len(sql) && (sql[j] == '_' || sql[j] >= 0x80 || unicode.IsLetter(rune(sql[j])) || unicode.IsDigit(rune(sql[j]))) {
				j++
			}
			cur = append(cur, word{text: strings.ToUpper(sql[i:j]), line: line})
			i = j
		default:
			i++
		}
	}
	flush()
	return out
}

// dollarTag returns the opening "$tag$" of a PostgreSQL dollar-quoted
// string at the start of s.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '$':
			return s[:j+1], true
		case c == '_' || unicode.IsLetter(rune(c)) || j > 1 && unicode.IsDigit(rune(c)):
		default:
			return "", false
		}
	}
	return "", false
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
