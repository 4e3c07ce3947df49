// Package vet is dbprep's query checker, Go's answer to Rust's
// sqlx::query!: an analysis.Analyzer that finds every call sending SQL to a
// database (database/sql, pgx v5, jmoiron/sqlx) whose SQL is known at
// compile time, and has a real database prepare it (internal/querycheck):
// syntax, tables, columns, functions, the number of parameters against the
// arguments, and the result columns against Scan's destinations.
package vet

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/sqllex"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Skipped is the analyzer's result: the calls it could not check, and
// those it did.
type Skipped struct {
	// Calls are the calls whose SQL is built at run time (dbprep vet -v
	// lists them).
	Calls []token.Position
	// NoDatabase are the calls in files of an engine no database was given
	// for, with why.
	NoDatabase []SkippedCall
	// Checked are the calls whose SQL was known and checked.
	Checked []token.Position
}

// SkippedCall is a call not checked, and why.
type SkippedCall struct {
	Pos token.Position
	Why string
}

// OpenFunc opens a checker on the database at a URL.
type OpenFunc func(raw string) (*querycheck.Checker, error)

// New returns the analyzer, checking each file's queries against the
// database of the file's engine: cfg.Database for files that declare none,
// or declare its engine; cfg.EngineURLs for files that declare another
// (//dbprep:engine postgres, or a build tag cfg.EngineTags maps to it).
// Each database is opened once, on first need. go vet's -dbprep.* flags
// change cfg.
func New(cfg Config) *analysis.Analyzer {
	c := &cfg
	cs := &checkers{cfg: c}
	a := &analysis.Analyzer{
		Name:       "dbprep",
		Doc:        "check SQL queries in Go code against a prepared database\n\nEvery call of database/sql, pgx v5 or jmoiron/sqlx whose SQL is known at compile time is prepared (never run) against the database in $DATABASE_URL (or the database of the file's engine: //dbprep:engine postgres, -engine-url): syntax, tables, columns, parameter count, Scan destinations and NULLs. //dbprep:ignore on the line, the line above, or a function's or file's doc comment skips it.",
		URL:        "https://github.com/dbprep/dbprep/blob/main/docs/vet.md",
		ResultType: reflect.TypeOf((*Skipped)(nil)),
		Run:        func(pass *analysis.Pass) (any, error) { return run(pass, c, cs.get) },
	}
	c.bindFlags(&a.Flags)
	return a
}

// Opener opens checkers on databases of the engines in set, with o's
// options for reaching a server: the OpenFunc of New for a program.
func Opener(set engines.Set, o querycheck.Options) OpenFunc {
	return func(raw string) (*querycheck.Checker, error) {
		if raw == "" {
			return nil, fmt.Errorf("no database to check queries against: set DATABASE_URL (or -D/--database-url) to the prepared database")
		}
		u, err := dburl.Parse(raw)
		if err != nil {
			return nil, err
		}
		c, err := set.Checker(context.Background(), u, o)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", u, err)
		}
		return c, nil
	}
}

// call is one call sending SQL, as found.
type call struct {
	api   api
	instr ssa.CallInstruction
	expr  *ast.CallExpr
	// ssaArg maps an argument index as written to its index in SSA.
	ssaArg int
}

func run(pass *analysis.Pass, cfg *Config, get func(engine.Engine) (*querycheck.Checker, error)) (any, error) {
	mapper := cfg.SqlxMapper
	if mapper == "" {
		mapper = packageMapper(pass)
	}
	nullMode := cfg.Null
	if nullMode == "" {
		nullMode = NullDefault
	}
	tags := cfg.EngineTags
	if tags == nil {
		tags = DefaultEngineTags()
	}
	def, err := get(0)
	if err != nil {
		return nil, err
	}
	fileEngines := declaredEngines(pass, tags, def.Engine)
	pkg, funcs := buildSSA(pass)
	exprs := callExprs(pass)
	res := &resolver{pkg: pkg, funcs: funcs, visiting: map[ssa.Value]bool{}}
	calls := findCalls(funcs, exprs)
	resolved, found, ddlFuncs := resolveCalls(res, calls)
	p := &packageCheck{pass: pass, get: get, def: def, fileEngines: fileEngines, exprs: exprs,
		ign: newIgnores(pass), rewriter: queryRewriter(pass), nullMode: nullMode, mapper: mapper, skipped: &Skipped{}}
	for i, c := range calls {
		if err := p.check(c, resolved[i], found[i], ddlFuncs[c.instr.Parent()]); err != nil {
			return nil, err
		}
	}
	return p.skipped, nil
}

// declaredEngines are the package's files that declare an engine other
// than def, the default database's: each file's engine by its name.
func declaredEngines(pass *analysis.Pass, tags map[string]engine.Engine, def engine.Engine) map[string]engine.Engine {
	out := map[string]engine.Engine{}
	for _, f := range pass.Files {
		e, _, err := fileEngine(f, tags)
		if err != nil {
			pass.Reportf(f.Package, "%v", err)
			continue
		}
		if e != 0 && e != def {
			out[pass.Fset.File(f.Pos()).Name()] = e
		}
	}
	return out
}

// callExprs are the package's calls by the position of their '('.
func callExprs(pass *analysis.Pass) map[token.Pos]*ast.CallExpr {
	exprs := map[token.Pos]*ast.CallExpr{}
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				exprs[c.Lparen] = c
			}
			return true
		})
	}
	return exprs
}

// findCalls are the calls of funcs that send SQL, in source order.
func findCalls(funcs []*ssa.Function, exprs map[token.Pos]*ast.CallExpr) []call {
	var calls []call
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if ci, ok := instr.(ssa.CallInstruction); ok {
					if c, ok := findCall(ci, exprs); ok {
						calls = append(calls, c)
					}
				}
			}
		}
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].expr.Pos() < calls[j].expr.Pos() })
	return calls
}

// resolveCalls are each call's query texts (found: known at compile
// time), and the functions that run DDL: a query of theirs the schema
// rejects is likely a Go-coded migration's, run against an older schema.
func resolveCalls(res *resolver, calls []call) ([][]variant, []bool, map[*ssa.Function]bool) {
	ddlFuncs := map[*ssa.Function]bool{}
	resolved := make([][]variant, len(calls))
	found := make([]bool, len(calls))
	for i, c := range calls {
		resolved[i], found[i] = res.resolve(c.instr.Common().Args[c.api.query+c.ssaArg])
		for _, q := range resolved[i] {
			if querycheck.IsDDL(q.sql) {
				ddlFuncs[c.instr.Parent()] = true
			}
		}
	}
	return resolved, found, ddlFuncs
}

// packageCheck is one package's run: what each call's check needs.
type packageCheck struct {
	pass        *analysis.Pass
	get         func(engine.Engine) (*querycheck.Checker, error)
	def         *querycheck.Checker
	fileEngines map[string]engine.Engine
	exprs       map[token.Pos]*ast.CallExpr
	ign         *ignores
	rewriter    *types.Interface
	nullMode    string
	mapper      string
	skipped     *Skipped
}

// check checks one call's query texts (variants; found: known at compile
// time) against its file's database, or says why it is skipped.
func (p *packageCheck) check(c call, variants []variant, found, runsDDL bool) error {
	if p.ign.covers(c.expr.Pos()) || p.ign.covers(c.expr.Args[c.api.query].Pos()) {
		return nil
	}
	arg := c.expr.Args[c.api.query]
	pos := p.pass.Fset.Position(arg.Pos())
	if !found {
		p.skipped.Calls = append(p.skipped.Calls, pos)
		return nil
	}
	checker := p.def
	if e, ok := p.fileEngines[p.pass.Fset.File(c.expr.Pos()).Name()]; ok {
		ch, err := p.get(e)
		if err != nil {
			return err
		}
		if ch == nil {
			p.skipped.NoDatabase = append(p.skipped.NoDatabase, SkippedCall{pos,
				fmt.Sprintf("the file is for %s, and no %s database was given (--engine-url %s=URL)", e, e, e)})
			return nil
		}
		checker = ch
	}
	if checker.Postgres && c.api.kind != named && slices.ContainsFunc(variants, func(q variant) bool { return !q.rebind && !q.in && questionMarks(q.sql) }) {
		// A `?` placeholder never prepares on PostgreSQL: the query is
		// another engine's (a test's own in-memory SQLite table, say).
		p.skipped.NoDatabase = append(p.skipped.NoDatabase, SkippedCall{pos,
			"its ? placeholders are another engine's (PostgreSQL takes $1): sqlx.Rebind it, or put //dbprep:engine sqlite in the file for its own database"})
		return nil
	}
	if checker.Engine == engine.MySQL && slices.ContainsFunc(variants, func(q variant) bool { return dollarPlaceholders(q.sql) }) {
		p.skipped.NoDatabase = append(p.skipped.NoDatabase, SkippedCall{pos,
			"its $1 placeholders are another engine's (MySQL takes ?): put //dbprep:engine postgres in the file for its own database"})
		return nil
	}
	p.skipped.Checked = append(p.skipped.Checked, pos)
	v := checkCall{pass: p.pass, checker: checker, call: c, arg: arg, exprs: p.exprs, rewriter: p.rewriter, nullMode: p.nullMode, ignores: p.ign,
		runsDDL: runsDDL, mapper: p.mapper}
	for _, q := range variants {
		v.check(q)
	}
	return nil
}

// dollarPlaceholders says whether sql has a PostgreSQL placeholder ($1)
// outside literals and comments: one never prepares on MySQL.
func dollarPlaceholders(sql string) bool {
	for t := range sqllex.Tokens(sql, sqllex.SQLite) {
		if t.Kind == sqllex.Byte && sql[t.Start] == '$' && t.End < len(sql) && sql[t.End] >= '0' && sql[t.End] <= '9' {
			return true
		}
	}
	return false
}

// questionMarks says whether sql has a `?` placeholder: a `?` outside
// literals and comments that is not one of PostgreSQL's jsonb operators
// (`?`, `?|`, `?&` before a string or an array).
func questionMarks(sql string) bool {
	var code []sqllex.Token
	for t := range sqllex.Tokens(sql, sqllex.Postgres) {
		if t.Kind != sqllex.Space && t.Kind != sqllex.LineComment && t.Kind != sqllex.BlockComment {
			code = append(code, t)
		}
	}
	for i, t := range code {
		if t.Kind != sqllex.Byte || sql[t.Start] != '?' {
			continue
		}
		if i+1 < len(code) {
			next := code[i+1]
			if next.Kind == sqllex.String || next.Kind == sqllex.Byte && strings.ContainsRune("|&", rune(sql[next.Start])) ||
				next.Kind == sqllex.Word && strings.EqualFold(next.Text(sql), "array") {
				continue // jsonb's key-exists operators
			}
		}
		return true
	}
	return false
}

// findCall says whether ci calls one of apis, and finds its syntax.
func findCall(ci ssa.CallInstruction, exprs map[token.Pos]*ast.CallExpr) (call, bool) {
	common := ci.Common()
	var f *types.Func
	shift := 0
	if common.IsInvoke() {
		f = common.Method
	} else if sf := common.StaticCallee(); sf != nil {
		f = calleeObj(sf)
		if sf.Signature.Recv() != nil {
			shift = 1
		}
	}
	a, ok := apis[key(f)]
	if !ok {
		if a, ok = shaped(f); !ok {
			return call{}, false
		}
	}
	expr := exprs[common.Pos()]
	if expr == nil || len(expr.Args) <= a.query || a.query+shift >= len(common.Args) {
		return call{}, false
	}
	return call{api: a, instr: ci, expr: expr, ssaArg: shift}, true
}
