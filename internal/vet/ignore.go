package vet

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// directive marks code whose queries are not checked, with an optional
// reason after it: on the call's line or the line above, or in the doc
// comment of the enclosing function or of the file (Go-coded migrations
// run against an older schema than the prepared one). A check's name as
// its first word ("//dbprep:ignore null") turns off only that check.
const directive = "//dbprep:ignore"

// checkNames are the checks a directive can name.
var checkNames = map[string]bool{nullCheck: true}

// ignores knows which lines, functions and files carry the directive, and
// for which check ("" for all).
type ignores struct {
	fset  *token.FileSet
	lines map[string]map[int]map[string]bool // file name → line → checks
	spans []span                             // functions and files covered whole
}

type span struct {
	from, to token.Pos
	check    string
}

func newIgnores(pass *analysis.Pass) *ignores {
	ig := &ignores{fset: pass.Fset, lines: map[string]map[int]map[string]bool{}}
	for _, f := range pass.Files {
		for _, check := range directives(f.Doc) {
			ig.spans = append(ig.spans, span{f.FileStart, f.FileEnd, check})
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				if check, ok := parseDirective(c.Text); ok {
					p := pass.Fset.Position(c.Slash)
					if ig.lines[p.Filename] == nil {
						ig.lines[p.Filename] = map[int]map[string]bool{}
					}
					if ig.lines[p.Filename][p.Line] == nil {
						ig.lines[p.Filename][p.Line] = map[string]bool{}
					}
					ig.lines[p.Filename][p.Line][check] = true
				}
			}
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				for _, check := range directives(fd.Doc) {
					ig.spans = append(ig.spans, span{fd.Pos(), fd.End(), check})
				}
			}
		}
	}
	return ig
}

// parseDirective says whether text is the directive, and for which check
// ("" for all).
func parseDirective(text string) (string, bool) {
	rest, ok := strings.CutPrefix(text, directive)
	if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	if f := strings.Fields(rest); len(f) > 0 && checkNames[f[0]] {
		return f[0], true
	}
	return "", true
}

// directives are the checks the directives in g turn off.
func directives(g *ast.CommentGroup) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, c := range g.List {
		if check, ok := parseDirective(c.Text); ok {
			out = append(out, check)
		}
	}
	return out
}

// covers says whether a directive for all checks covers pos.
func (ig *ignores) covers(pos token.Pos) bool { return ig.coversCheck(pos, "") }

// coversCheck says whether a directive for check, or for all, covers pos.
func (ig *ignores) coversCheck(pos token.Pos, check string) bool {
	for _, s := range ig.spans {
		if s.from <= pos && pos < s.to && (s.check == "" || s.check == check) {
			return true
		}
	}
	p := ig.fset.Position(pos)
	for _, line := range []int{p.Line, p.Line - 1} {
		if c := ig.lines[p.Filename][line]; c[""] || check != "" && c[check] {
			return true
		}
	}
	return false
}
