package vet

import (
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"github.com/dbprep/dbprep/internal/querycheck"
	"golang.org/x/tools/go/ssa"
)

// checkDestinations compares the query's result columns with where they
// go: the arguments of Scan on the returned row or rows, or the Get or
// Select destination.
func (v *checkCall) checkDestinations(cols []querycheck.Column, quote string) {
	switch v.call.api.kind {
	case queryRow, query:
		for _, scan := range v.scans() {
			if scan.Ellipsis.IsValid() {
				continue
			}
			if len(scan.Args) != len(cols) {
				v.pass.Reportf(scan.Lparen, "Scan has %s for %s (query %s)", plural(len(scan.Args), "destination"), plural(len(cols), "column"), quote)
				continue
			}
			for i, arg := range scan.Args {
				if v.checker.Postgres {
					v.checkType(arg, cols[i], quote)
				}
				v.checkNullScan(arg, cols[i], quote)
			}
		}
	case get, sel:
		v.checkStruct(cols, quote)
	}
}

// scans are the Scan calls made on the row (QueryRow) or rows (Query) the
// call returns, there or in a helper of the package they are passed to.
func (v *checkCall) scans() []*ast.CallExpr {
	val, ok := v.call.instr.(*ssa.Call)
	if !ok {
		return nil
	}
	var result ssa.Value = val
	if v.call.api.kind == query {
		result = nil
		for _, ref := range *val.Referrers() {
			if x, ok := ref.(*ssa.Extract); ok && x.Index == 0 {
				result = x
			}
		}
		if result == nil {
			return nil
		}
	}
	return v.scansOn(result, 0)
}

// scansOn are the Scan calls made on value (a row or rows), also in a
// function of the same package it is passed to (readUser(rows)), two
// calls deep at most, through a parameter of its own type or of an
// interface type (scanUser(s scanner), where scanner has Scan).
func (v *checkCall) scansOn(value ssa.Value, depth int) []*ast.CallExpr {
	var out []*ast.CallExpr
	for _, ref := range *value.Referrers() {
		if mi, ok := ref.(*ssa.MakeInterface); ok && mi.X == value {
			// Passed as an interface: follow the interface value.
			out = append(out, v.scansOn(mi, depth)...)
			continue
		}
		c, ok := ref.(ssa.CallInstruction)
		if !ok {
			continue
		}
		common := c.Common()
		var name string
		switch {
		case common.IsInvoke() && common.Value == value:
			name = common.Method.Name()
		case !common.IsInvoke() && len(common.Args) > 0 && common.Args[0] == value:
			if f := common.StaticCallee(); f != nil && f.Signature.Recv() != nil {
				name = f.Name()
			}
		}
		if name == "Scan" {
			if e := v.exprs[common.Pos()]; e != nil {
				out = append(out, e)
			}
			continue
		}
		// A helper of this package that takes the rows: its Scan calls.
		f := common.StaticCallee()
		if depth >= 2 || f == nil || f.Pkg == nil || f.Pkg.Pkg != v.pass.Pkg || len(f.Params) != len(common.Args) {
			continue
		}
		for i, a := range common.Args {
			if a == value {
				out = append(out, v.scansOn(f.Params[i], depth+1)...)
			}
		}
	}
	return out
}

// textTypes and the others are PostgreSQL types a Go destination can only
// take in some forms; checkType reports the certain failures.
var (
	textTypes    = set("text", "varchar", "bpchar", "name", "char", "citext")
	numericTypes = set("int2", "int4", "int8", "float4", "float8", "numeric", "oid")
	boolTypes    = set("bool")
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkType reports a Scan destination that can never hold the column's
// PostgreSQL type. Through pgx's own calls, pgx's rules: text into a
// number or a bool, a bool into a number, a number into a bool. Through
// database/sql (lib/pq, pgx's stdlib), convertAssign parses text into
// numbers and bools and takes 0 and 1 for a bool, so only a bool into a
// number ("true" is no number) always fails.
func (v *checkCall) checkType(arg ast.Expr, col querycheck.Column, quote string) {
	p, ok := v.pass.TypesInfo.TypeOf(arg).(*types.Pointer)
	if !ok {
		return
	}
	b, ok := types.Unalias(p.Elem()).(*types.Basic)
	if !ok {
		return
	}
	goNum := b.Info()&(types.IsInteger|types.IsFloat) != 0
	goBool := b.Info()&types.IsBoolean != 0
	strict := v.call.api.pgx
	var bad bool
	switch {
	case textTypes[col.Type]:
		bad = strict && (goNum || goBool)
	case numericTypes[col.Type]:
		bad = strict && goBool
	case boolTypes[col.Type]:
		bad = goNum
	}
	if bad {
		v.pass.Reportf(arg.Pos(), "column %q is %s and cannot be scanned into %s (query %s)", col.Name, col.Type, types.TypeString(p, types.RelativeTo(v.pass.Pkg)), quote)
	}
}

// checkStruct checks jmoiron/sqlx's Get and Select: a struct destination
// must have a field for every column (sqlx fails with "missing destination
// name" otherwise); any other destination takes exactly one column.
func (v *checkCall) checkStruct(cols []querycheck.Column, quote string) {
	dest := v.call.expr.Args[v.call.api.dest]
	p, ok := v.pass.TypesInfo.TypeOf(dest).(*types.Pointer)
	if !ok {
		return
	}
	t := p.Elem()
	if v.call.api.kind == sel {
		s, ok := t.Underlying().(*types.Slice)
		if !ok {
			return
		}
		t = s.Elem()
		if ptr, ok := t.(*types.Pointer); ok {
			t = ptr.Elem()
		}
	}
	name := types.TypeString(t, types.RelativeTo(v.pass.Pkg))
	if scannable(t) {
		if len(cols) != 1 {
			v.pass.Reportf(dest.Pos(), "%s takes one column, the query returns %d (query %s)", name, len(cols), quote)
		} else {
			v.checkNullField(dest, "the destination", t, cols[0], quote)
		}
		return
	}
	fields := map[string]field{}
	if !fieldNames(t.Underlying().(*types.Struct), "", "", fields, 0, v.mapper) {
		return // a field's column name depends on a mapping vet cannot read
	}
	var missing []string
	for _, c := range cols {
		f, ok := fields[c.Name]
		if !ok {
			missing = append(missing, c.Name)
			continue
		}
		v.checkNullField(dest, "field "+name+"."+f.path, f.t, c, quote)
	}
	if len(missing) > 0 {
		v.pass.Reportf(dest.Pos(), "%s has no field for column %s: sqlx fails with \"missing destination name\" (add a field, or a `db:\"…\"` tag) (query %s)", name, strings.Join(quoteAll(missing), ", "), quote)
	}
}

// scannable is jmoiron/sqlx's notion: not a struct, a struct that is an
// sql.Scanner, or one without exported fields (time.Time).
func scannable(t types.Type) bool {
	s, ok := t.Underlying().(*types.Struct)
	if !ok {
		return true
	}
	ms := types.NewMethodSet(types.NewPointer(t))
	for i := range ms.Len() {
		if ms.At(i).Obj().Name() == "Scan" {
			return true
		}
	}
	for i := range s.NumFields() {
		if s.Field(i).Exported() {
			return false
		}
	}
	return true
}

// field is a struct field sqlx maps a column to: its path from the
// struct (Address.City) and its type.
type field struct {
	path string
	t    types.Type
}

// fieldNames collects the column names sqlx's mapper gives the fields of
// s: the db tag, else the name as the mapper maps it (mapName); embedded
// structs flattened, other struct fields also as "field.sub". It is false
// when a field has no tag and the mapper is unknown.
func fieldNames(s *types.Struct, prefix, path string, out map[string]field, depth int, mapper string) bool {
	if depth > 8 {
		return true
	}
	for i := range s.NumFields() {
		f := s.Field(i)
		if !f.Exported() && !f.Embedded() {
			continue
		}
		tag := reflectTag(s.Tag(i))
		if tag == "-" {
			continue
		}
		ft := f.Type()
		if ptr, ok := ft.(*types.Pointer); ok {
			ft = ptr.Elem()
		}
		inner, isStruct := ft.Underlying().(*types.Struct)
		if f.Embedded() && tag == "" && isStruct {
			if !fieldNames(inner, prefix, path+f.Name()+".", out, depth+1, mapper) {
				return false
			}
			continue
		}
		if !f.Exported() {
			continue
		}
		name := tag
		if name == "" {
			var ok bool
			if name, ok = mapName(mapper, f.Name()); !ok {
				return false
			}
		}
		out[prefix+name] = field{path: path + f.Name(), t: f.Type()}
		if isStruct && !scannable(ft) && !fieldNames(inner, prefix+name+".", path+f.Name()+".", out, depth+1, mapper) {
			return false
		}
	}
	return true
}

func reflectTag(tag string) string {
	v := reflect.StructTag(tag).Get("db")
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return v
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = `"` + x + `"`
	}
	return out
}
