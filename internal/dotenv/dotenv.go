// Package dotenv reads .env files as dotenvy (which sqlx-cli uses) does:
// KEY=value lines, optional "export", # comments, 'literal' and "escaped"
// quoted values that may span lines, and $VAR / ${VAR} substitution.
package dotenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Find returns the .env in dir or its nearest ancestor, or "" if none.
func Find(dir string) string {
	for {
		p := filepath.Join(dir, ".env")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Load parses the file at path. lookup resolves substitutions of names the
// file has not set (normally the process environment); it may be nil.
func Load(path string, lookup func(string) (string, bool)) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vars, err := Parse(string(data), lookup)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	return vars, nil
}

// Compiled on first use: a program's start-up pays for no regexp.
var keyPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`) })

// LineError is a malformed line.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%d: %s (lines look like KEY=value, KEY='literal' or KEY=\"escaped\\n\")", e.Line, e.Msg)
}

// Parse parses .env text. Substitution prefers lookup (the environment, as
// dotenvy does) over values set earlier in the file.
func Parse(text string, lookup func(string) (string, bool)) (map[string]string, error) {
	vars := map[string]string{}
	resolve := func(name string) string {
		if lookup != nil {
			if v, ok := lookup(name); ok {
				return v
			}
		}
		return vars[name]
	}
	p := &parser{rest: strings.ReplaceAll(text, "\r\n", "\n"), line: 1}
	for p.rest != "" {
		startLine := p.line
		key, val, ok, err := p.next(resolve)
		if err != nil {
			var le *LineError
			if errors.As(err, &le) {
				return nil, err
			}
			return nil, &LineError{Line: startLine, Msg: err.Error()}
		}
		if ok {
			vars[key] = val
		}
	}
	return vars, nil
}

type parser struct {
	rest string
	line int
}

func (p *parser) takeLine() string {
	line, rest, _ := strings.Cut(p.rest, "\n")
	p.rest = rest
	p.line++
	return line
}

// next parses one assignment; ok is false for blank and comment lines.
func (p *parser) next(resolve func(string) string) (key, val string, ok bool, err error) {
	startLine := p.line
	trimmed := strings.TrimLeft(p.rest, " \t")
	if trimmed == "" || trimmed[0] == '\n' || trimmed[0] == '#' {
		p.takeLine()
		return "", "", false, nil
	}
	p.rest = strings.TrimPrefix(trimmed, "export ")
	eq := strings.IndexAny(p.rest, "=\n")
	if eq < 0 || p.rest[eq] != '=' {
		return "", "", false, &LineError{Line: startLine, Msg: "no '='" + after(leadingName(p.takeLine())) + " (write NAME=VALUE)" + notShown}
	}
	key = strings.TrimSpace(p.rest[:eq])
	if !keyPattern().MatchString(key) {
		p.takeLine()
		return "", "", false, &LineError{Line: startLine, Msg: "the text before '='" + startsWith(leadingName(key)) +
			" is not a variable name (letters, digits and _, not starting with a digit; write NAME=VALUE)" + notShown}
	}
	p.rest = strings.TrimLeft(p.rest[eq+1:], " \t")
	switch {
	case strings.HasPrefix(p.rest, "'"):
		val, err = p.quoted('\'', nil)
	case strings.HasPrefix(p.rest, `"`):
		val, err = p.quoted('"', resolve)
	default:
		line := p.takeLine()
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		val = substitute(strings.TrimSpace(line), resolve)
	}
	if err != nil {
		return "", "", false, &LineError{Line: startLine, Msg: fmt.Sprintf("%s: %v", key, err)}
	}
	return key, val, true, nil
}

// notShown ends a message about a line that is not quoted: a malformed
// line may hold a password (DATABASE_URL: postgres://user:pw@…).
const notShown = "; the line is not shown, as it may hold a secret"

// leadingName is the variable name s starts with, or "".
func leadingName(s string) string {
	s = strings.TrimPrefix(strings.TrimLeft(s, " \t"), "export ")
	end := 0
	for end < len(s) && (s[end] == '_' || s[end] == '.' || 'a' <= s[end]|0x20 && s[end]|0x20 <= 'z' || end > 0 && '0' <= s[end] && s[end] <= '9') {
		end++
	}
	return s[:end]
}

func after(name string) string {
	if name == "" {
		return ""
	}
	return " after " + name
}

func startsWith(name string) string {
	if name == "" {
		return ""
	}
	return " (starting " + name + ")"
}
