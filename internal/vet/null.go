package vet

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/dbprep/dbprep/internal/querycheck"
)

// The null check's modes (dbprep vet --null, go vet -dbprep.null): what it
// reports of a column that can be NULL scanned into a Go value that
// cannot hold NULL.
const (
	// NullOff reports nothing.
	NullOff = "off"
	// NullDefault reports the columns that can be NULL with nothing in
	// the schema to stop it: no NOT NULL and no DEFAULT, the nullable side
	// of an outer join, an aggregate over no rows.
	NullDefault = "default"
	// NullStrict also reports the columns without NOT NULL that have a
	// DEFAULT: sqlx's rule, where such a column is an Option.
	NullStrict = "strict"
)

// nullCheck is the check's name in //dbprep:ignore null.
const nullCheck = "null"

// reports says whether mode reports a column that is n.
func reportsNull(mode string, n querycheck.Null) bool {
	switch mode {
	case NullOff:
		return false
	case NullStrict:
		return n == querycheck.Nullable || n == querycheck.NullByDefault
	}
	return n == querycheck.Nullable
}

// checkNullScan reports a Scan argument (a pointer) whose value cannot
// hold NULL taking a column that can be NULL.
func (v *checkCall) checkNullScan(arg ast.Expr, col querycheck.Column, quote string) {
	if !reportsNull(v.nullMode, col.Null) || v.ignores.coversCheck(arg.Pos(), nullCheck) {
		return
	}
	p, ok := v.pass.TypesInfo.TypeOf(arg).(*types.Pointer)
	if !ok || holdsNull(p.Elem()) {
		return
	}
	name := types.TypeString(p.Elem(), types.RelativeTo(v.pass.Pkg))
	v.pass.Reportf(arg.Pos(), "column %q can be NULL (%s), and Scan into %s fails on NULL: scan into %s (query %s)",
		col.Name, col.Why, "*"+name, nullFix(p.Elem(), name), quote)
}

// checkNullField reports a Get or Select destination (a struct field, or
// the value itself) that cannot hold NULL taking a column that can be NULL.
func (v *checkCall) checkNullField(dest ast.Expr, what string, t types.Type, col querycheck.Column, quote string) {
	if !reportsNull(v.nullMode, col.Null) || holdsNull(t) || v.ignores.coversCheck(dest.Pos(), nullCheck) {
		return
	}
	name := types.TypeString(t, types.RelativeTo(v.pass.Pkg))
	v.pass.Reportf(dest.Pos(), "column %q can be NULL (%s), and %s (%s) cannot hold NULL: make it %s (query %s)",
		col.Name, col.Why, what, name, nullFix(t, name), quote)
}

// holdsNull says whether a value of t can take a NULL: a pointer, an
// interface, a slice or map (nil), or a type with a Scan method (an
// sql.Scanner such as sql.NullString and sql.Null[T], pgtype's types). What
// it reports cannot: basic types (and types defined on them) and
// time.Time, which database/sql and pgx both refuse a NULL.
func holdsNull(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	for i := range ms.Len() {
		if strings.HasPrefix(ms.At(i).Obj().Name(), "Scan") {
			return true
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer || u.Kind() == types.UntypedNil
	case *types.Struct:
		return typeName(t) != "time.Time"
	}
	return true
}

// nullFix is what to use instead of t (named name).
func nullFix(t types.Type, name string) string {
	if typeName(t) == "time.Time" {
		return "sql.NullTime or *time.Time"
	}
	if b, ok := t.(*types.Basic); ok {
		switch b.Kind() {
		case types.String:
			return "sql.NullString or *string"
		case types.Int64:
			return "sql.NullInt64 or *int64"
		case types.Int32:
			return "sql.NullInt32 or *int32"
		case types.Int16:
			return "sql.NullInt16 or *int16"
		case types.Uint8:
			return "sql.NullByte or *byte"
		case types.Float64:
			return "sql.NullFloat64 or *float64"
		case types.Bool:
			return "sql.NullBool or *bool"
		}
	}
	return fmt.Sprintf("sql.Null[%s] or *%s", name, name)
}
