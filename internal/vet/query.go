package vet

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/sqltext"
	"golang.org/x/tools/go/analysis"
)

// checkCall checks one call's query texts.
type checkCall struct {
	pass    *analysis.Pass
	checker *querycheck.Checker
	call    call
	arg     ast.Expr
	// exprs are the package's calls by the position of their '(' (for the
	// Scan calls on a query's rows); rewriter is pgx's QueryRewriter.
	exprs    map[token.Pos]*ast.CallExpr
	rewriter *types.Interface
	// nullMode is the null check's mode; ignores its //dbprep:ignore null.
	nullMode string
	ignores  *ignores
	// runsDDL: the enclosing function runs DDL too.
	runsDDL bool
	// mapper is how sqlx names a struct field without a db tag
	// (MapperLower, MapperSnake, MapperUnknown).
	mapper string
}

func (v *checkCall) check(q variant) {
	a := v.call.api
	sql := q.sql
	pg := v.checker.Postgres
	nargs, namedArgs := v.countArgs()
	switch {
	case a.kind == named:
		sql, _ = sqltext.Positional(sql, ':', pg)
		nargs = -1
	case namedArgs == "@":
		sql, _ = sqltext.Positional(sql, '@', pg)
		nargs = -1
	case pg && (q.rebind || q.in):
		sql = sqltext.Rebind(sql)
	}
	if q.in {
		nargs = -1 // sqlx.In expands slices into lists of placeholders
	}
	r := v.checker.Check(context.Background(), sql)
	quote := fmt.Sprintf("%q", sqltext.Quote(q.sql))
	if r.Err != nil {
		pos := v.arg.Pos()
		if sql == q.sql {
			pos = v.offsetPos(r.Err.Offset)
			// Quote the line the error is on too, where the quote lacks it.
			if line := lineAt(q.sql, r.Err.Offset); !strings.Contains(sqltext.Quote(q.sql), strings.Join(strings.Fields(line), " ")) {
				quote = fmt.Sprintf("%q, at the line %q", sqltext.Quote(q.sql), line)
			}
		}
		hint := ""
		if v.runsDDL {
			hint = "; this function also changes the schema: if it is a migration that runs against an older schema, put //dbprep:ignore in its doc comment"
		}
		v.pass.Reportf(pos, "%s (query %s)%s", r.Err.Msg, quote, hint)
		return
	}
	if r.Statements > 1 && pg && a.kind != exec {
		v.pass.Reportf(v.arg.Pos(), "%d statements in one query: PostgreSQL prepares one statement at a time (query %s)", r.Statements, quote)
	}
	if r.Statements > 1 && pg && nargs > 0 {
		v.pass.Reportf(v.arg.Pos(), "%d statements in a query with arguments: PostgreSQL runs several statements only without arguments (query %s)", r.Statements, quote)
	}
	if nargs >= 0 && namedArgs == "" && r.Params != nargs {
		v.pass.Reportf(v.arg.Pos(), "the query has %s but the call passes %s (query %s)", plural(r.Params, "parameter"), plural(nargs, "argument"), quote)
	}
	v.checkDestinations(r.Columns, quote)
}

// countArgs is the number of query arguments the call passes (-1 when it
// spreads a slice), and "@" or "named" when they are named rather than
// positional (pgx.NamedArgs, sql.Named).
func (v *checkCall) countArgs() (int, string) {
	a := v.call.api
	if a.args < 0 {
		return -1, ""
	}
	e := v.call.expr
	if e.Ellipsis.IsValid() {
		return -1, ""
	}
	n := 0
	for _, arg := range e.Args[min(a.args, len(e.Args)):] {
		t := v.pass.TypesInfo.TypeOf(arg)
		switch named := typeName(t); named {
		case pgxPath + ".NamedArgs", pgxPath + ".StrictNamedArgs":
			return -1, "@"
		case databaseSQL + ".NamedArg":
			return -1, "named"
		case pgxPath + ".QueryExecMode", pgxPath + ".QueryResultFormats", pgxPath + ".QueryResultFormatsByOID":
			continue // options to pgx, not arguments
		}
		if t != nil && types.Implements(t, v.rewriter) {
			return -1, "named"
		}
		n++
	}
	return n, ""
}

// queryRewriter is pgx's QueryRewriter interface when the package can see
// it, else an interface nothing implements.
func queryRewriter(pass *analysis.Pass) *types.Interface {
	for _, p := range pass.Pkg.Imports() {
		if p.Path() == pgxPath {
			if o := p.Scope().Lookup("QueryRewriter"); o != nil {
				if i, ok := o.Type().Underlying().(*types.Interface); ok {
					return i
				}
			}
		}
	}
	return types.NewInterfaceType([]*types.Func{types.NewFunc(token.NoPos, nil, "dbprepNever", types.NewSignatureType(nil, nil, nil, nil, nil, false))}, nil).Complete()
}

func typeName(t types.Type) string {
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return n.Obj().Pkg().Path() + "." + n.Obj().Name()
	}
	return ""
}

// offsetPos is the position of byte offset off of the query, when the
// query argument is one raw string literal (whose bytes are the query's);
// else the argument's position.
func (v *checkCall) offsetPos(off int) token.Pos {
	lit, ok := ast.Unparen(v.arg).(*ast.BasicLit)
	if !ok || off < 0 || lit.Kind != token.STRING || !strings.HasPrefix(lit.Value, "`") ||
		strings.Contains(lit.Value, "\r") || off >= len(lit.Value)-2 {
		return v.arg.Pos()
	}
	return lit.Pos() + 1 + token.Pos(off)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// lineAt is the line of sql holding byte offset off, trimmed; the first
// line when off is outside sql.
func lineAt(sql string, off int) string {
	if off < 0 || off > len(sql) {
		return sqltext.FirstLine(sql)
	}
	start := strings.LastIndexByte(sql[:off], '\n') + 1
	end := strings.IndexByte(sql[off:], '\n')
	if end < 0 {
		end = len(sql)
	} else {
		end += off
	}
	return strings.TrimSpace(sql[start:end])
}
