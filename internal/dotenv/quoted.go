package dotenv

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// quoted reads a value in quote characters, which may span lines. Double
// quotes (resolve != nil) understand \n \t \r \" \\ \$ and substitution.
func (p *parser) quoted(q byte, resolve func(string) string) (string, error) {
	var b strings.Builder
	i := 1
	for ; i < len(p.rest); i++ {
		c := p.rest[i]
		if c == q {
			break
		}
		if c == '\n' {
			p.line++
		}
		if c == '\\' && resolve != nil && i+1 < len(p.rest) {
			i++
			switch e := p.rest[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '$', '\'':
				b.WriteString(`\` + string(e)) // kept escaped until substitution
			default:
				_ = e
				return "", fmt.Errorf("unknown escape sequence (\\ followed by a character other than n, t, r, \", \\, $ or '; write \\\\ for a backslash)%s", notShown)
			}
			continue
		}
		b.WriteByte(c)
	}
	if i >= len(p.rest) {
		return "", errors.New("unterminated quoted value")
	}
	after := p.rest[i+1:]
	p.rest = after
	tail := p.takeLine()
	if t := strings.TrimSpace(tail); t != "" && !strings.HasPrefix(t, "#") {
		return "", fmt.Errorf("unexpected text after the closing quote (put the whole value inside the quotes)%s", notShown)
	}
	if resolve == nil {
		return b.String(), nil
	}
	return substitute(b.String(), resolve), nil
}

var substitution = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\\.|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)
})

// substitute expands $VAR and ${VAR}; a backslash keeps the next character.
func substitute(s string, resolve func(string) string) string {
	return substitution().ReplaceAllStringFunc(s, func(m string) string {
		if m[0] == '\\' {
			return m[1:]
		}
		name := strings.Trim(m, "${}")
		return resolve(name)
	})
}
