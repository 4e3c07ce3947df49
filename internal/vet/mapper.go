package vet

import (
	"go/ast"
	"go/types"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"
)

// Mapper modes: how jmoiron/sqlx maps a struct field without a db tag to
// a column name.
const (
	// MapperLower is sqlx's default: strings.ToLower.
	MapperLower = "lower"
	// MapperSnake is a snake-case function (strcase.ToSnake and the
	// like): RangeID is range_id.
	MapperSnake = "snake"
	// MapperUnknown is a mapping vet cannot read: field names are not
	// checked (nor the NULL-ability behind them), never guessed.
	MapperUnknown = "unknown"
)

// packageMapper is the field mapping of the package's *sqlx.DB values:
// what db.MapperFunc(f) and db.Mapper = reflectx.NewMapperFunc("db", f)
// set there, MapperLower when neither is called, MapperUnknown when f is
// a function vet cannot read or two mappings are set.
func packageMapper(pass *analysis.Pass) string {
	found := ""
	set := func(m string) {
		if found != "" && found != m {
			m = MapperUnknown
		}
		found = m
	}
	for _, file := range pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "MapperFunc" && len(n.Args) == 1 && isSqlx(pass.TypesInfo.TypeOf(sel.X)) {
					set(mapperOf(pass, n.Args[0]))
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					sel, ok := lhs.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Mapper" || !isSqlx(pass.TypesInfo.TypeOf(sel.X)) || i >= len(n.Rhs) {
						continue
					}
					set(newMapper(pass, n.Rhs[i]))
				}
			}
			return true
		})
	}
	if found == "" {
		return MapperLower
	}
	return found
}

// isSqlx says whether t is jmoiron/sqlx's DB (or a pointer to it).
func isSqlx(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == sqlxPath && n.Obj().Name() == "DB"
}

// newMapper reads reflectx.NewMapperFunc("db", f) and reflectx.NewMapper("db").
func newMapper(pass *analysis.Pass, e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return MapperUnknown
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return MapperUnknown
	}
	if tag, ok := call.Args[0].(*ast.BasicLit); !ok || tag.Value != `"db"` {
		return MapperUnknown // another tag than db: fields are named otherwise
	}
	switch {
	case sel.Sel.Name == "NewMapper" && len(call.Args) == 1:
		return MapperLower
	case sel.Sel.Name == "NewMapperFunc" && len(call.Args) == 2:
		return mapperOf(pass, call.Args[1])
	}
	return MapperUnknown
}

// mapperOf classifies the function f given as a mapper: strings.ToLower,
// a function whose name says snake case (ToSnake, SnakeCase,
// Underscore…), or a literal that returns strings.ToLower of its
// argument.
func mapperOf(pass *analysis.Pass, f ast.Expr) string {
	switch f := f.(type) {
	case *ast.SelectorExpr:
		if obj := pass.TypesInfo.Uses[f.Sel]; obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "strings" && obj.Name() == "ToLower" {
			return MapperLower
		}
		return byName(f.Sel.Name)
	case *ast.Ident:
		return byName(f.Name)
	case *ast.FuncLit:
		if len(f.Body.List) == 1 {
			if ret, ok := f.Body.List[0].(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
				if call, ok := ret.Results[0].(*ast.CallExpr); ok {
					return mapperOf(pass, call.Fun)
				}
			}
		}
	}
	return MapperUnknown
}

func byName(name string) string {
	n := strings.ToLower(name)
	if strings.Contains(n, "snake") || strings.Contains(n, "underscore") {
		return MapperSnake
	}
	return MapperUnknown
}

// mapName is the column name the mapper gives a field name; ok is false
// for MapperUnknown.
func mapName(mapper, name string) (string, bool) {
	switch mapper {
	case MapperSnake:
		return toSnake(name), true
	case MapperUnknown:
		return "", false
	}
	return strings.ToLower(name), true
}

// toSnake is snake case as strcase.ToSnake and its kin make it: a word
// starts at an upper-case letter after a lower-case one or a digit, and
// at the last upper-case letter of a run followed by a lower-case one
// (HTTPServer is http_server, RangeID range_id).
func toSnake(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
