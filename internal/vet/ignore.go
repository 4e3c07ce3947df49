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
// run against an older schema than the prepared one).
const directive = "//dbprep:ignore"

// ignores knows which lines, functions and files carry the directive.
type ignores struct {
	fset  *token.FileSet
	lines map[string]map[int]bool // file name → lines with the directive
	spans [][2]token.Pos          // functions and files covered whole
}

func newIgnores(pass *analysis.Pass) *ignores {
	ig := &ignores{fset: pass.Fset, lines: map[string]map[int]bool{}}
	for _, f := range pass.Files {
		if hasDirective(f.Doc) {
			ig.spans = append(ig.spans, [2]token.Pos{f.FileStart, f.FileEnd})
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				if isDirective(c.Text) {
					p := pass.Fset.Position(c.Slash)
					if ig.lines[p.Filename] == nil {
						ig.lines[p.Filename] = map[int]bool{}
					}
					ig.lines[p.Filename][p.Line] = true
				}
			}
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && hasDirective(fd.Doc) {
				ig.spans = append(ig.spans, [2]token.Pos{fd.Pos(), fd.End()})
			}
		}
	}
	return ig
}

func isDirective(text string) bool {
	rest, ok := strings.CutPrefix(text, directive)
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

func hasDirective(g *ast.CommentGroup) bool {
	if g == nil {
		return false
	}
	for _, c := range g.List {
		if isDirective(c.Text) {
			return true
		}
	}
	return false
}

func (ig *ignores) covers(pos token.Pos) bool {
	for _, s := range ig.spans {
		if s[0] <= pos && pos < s[1] {
			return true
		}
	}
	p := ig.fset.Position(pos)
	return ig.lines[p.Filename][p.Line] || ig.lines[p.Filename][p.Line-1]
}
