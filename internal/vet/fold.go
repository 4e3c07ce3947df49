package vet

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// join folds strings.Join(elems, sep) when sep and every element of the
// slice literal elems (or of a package variable set once to one, whose
// elements nothing indexes) are known.
func (r *resolver) join(elems, sep ssa.Value) ([]variant, bool) {
	seps, ok := r.resolve(sep)
	if !ok {
		return nil, false
	}
	if ld, ok := elems.(*ssa.UnOp); ok && ld.Op == token.MUL {
		if elems, ok = r.onceStored(ld.X); !ok {
			return nil, false
		}
	}
	slice, ok := elems.(*ssa.Slice)
	if !ok {
		return nil, false
	}
	vals, ok := literalElems(slice)
	if !ok {
		return nil, false
	}
	parts := [][]variant{}
	for _, v := range vals {
		vs, ok := r.resolve(v)
		if !ok {
			return nil, false
		}
		parts = append(parts, vs)
	}
	var out []variant
	for _, s := range seps {
		texts, ok := joinVariants(parts, s.sql, maxVariants-len(out))
		if !ok {
			return nil, false
		}
		out = append(out, texts...)
	}
	return out, true
}

// onceStored is the one value stored in the package variable addr, whose
// elements no instruction indexes (a slice nothing writes into).
func (r *resolver) onceStored(addr ssa.Value) (ssa.Value, bool) {
	g, ok := addr.(*ssa.Global)
	if !ok || g.Pkg != r.pkg {
		return nil, false
	}
	var stored []ssa.Value
	for _, f := range r.funcs {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				switch instr := instr.(type) {
				case *ssa.Store:
					if instr.Addr == g {
						stored = append(stored, instr.Val)
					}
				case *ssa.IndexAddr:
					if l, ok := instr.X.(*ssa.UnOp); ok && l.X == g {
						return nil, false // an element is read or written by index
					}
				}
			}
		}
	}
	if len(stored) != 1 {
		return nil, false
	}
	return stored[0], true
}

// joinVariants is every text parts can make joined with sep, at most max.
func joinVariants(parts [][]variant, sep string, max int) ([]variant, bool) {
	texts := []variant{{}}
	for i, p := range parts {
		var next []variant
		for _, t := range texts {
			for _, x := range p {
				joined := t
				if i > 0 {
					joined.sql += sep
				}
				joined.sql += x.sql
				joined.rebind, joined.in = joined.rebind || x.rebind, joined.in || x.in
				next = append(next, joined)
			}
		}
		if len(next) > max {
			return nil, false
		}
		texts = next
	}
	return texts, true
}

// literalElems are the values stored into the array behind a slice
// literal, by index: each element stored once, the array used for nothing
// else.
func literalElems(a *ssa.Slice) ([]ssa.Value, bool) {
	arr, ok := a.X.(*ssa.Alloc)
	if !ok {
		return nil, false
	}
	at, ok := arr.Type().(*types.Pointer).Elem().(*types.Array)
	if !ok {
		return nil, false
	}
	elems := make([]ssa.Value, int(at.Len()))
	for _, ref := range *arr.Referrers() {
		ia, ok := ref.(*ssa.IndexAddr)
		if !ok {
			if ref == a {
				continue
			}
			return nil, false
		}
		idx, ok := ia.Index.(*ssa.Const)
		if !ok {
			return nil, false
		}
		i := int(idx.Int64())
		for _, use := range *ia.Referrers() {
			st, ok := use.(*ssa.Store)
			if !ok || st.Addr != ia || elems[i] != nil {
				return nil, false
			}
			elems[i] = st.Val
		}
	}
	for _, e := range elems {
		if e == nil {
			return nil, false
		}
	}
	return elems, true
}

// sprintf folds fmt.Sprintf(format, args...) when the format and every
// argument are known at compile time (a table name in a constant, say):
// each argument a string text resolve knows, or a constant of another
// kind. args is the ...any slice SSA builds: a slice of an array whose
// elements are each stored once.
func (r *resolver) sprintf(format, args ssa.Value) ([]variant, bool) {
	formats, ok := r.resolve(format)
	if !ok {
		return nil, false
	}
	var elems [][]any // the values each argument can hold
	switch a := args.(type) {
	case *ssa.Const: // no arguments: a nil slice
	case *ssa.Slice:
		vals, ok := literalElems(a)
		if !ok {
			return nil, false
		}
		for _, v := range vals {
			e, ok := r.argValues(v)
			if !ok {
				return nil, false
			}
			elems = append(elems, e)
		}
	default:
		return nil, false
	}
	out := []variant{}
	for _, f := range formats {
		combos := [][]any{nil}
		for _, e := range elems {
			var next [][]any
			for _, c := range combos {
				for _, v := range e {
					next = append(next, append(append([]any(nil), c...), v))
				}
			}
			if len(next)*len(formats) > maxVariants {
				return nil, false
			}
			combos = next
		}
		for _, c := range combos {
			out = append(out, variant{sql: fmt.Sprintf(f.sql, c...), rebind: f.rebind, in: f.in})
		}
	}
	return out, len(out) > 0
}

// argValues is what an argument of Sprintf can hold: the texts of a known
// string, or the value of a constant of another basic kind.
func (r *resolver) argValues(v ssa.Value) ([]any, bool) {
	mi, ok := v.(*ssa.MakeInterface)
	if !ok {
		return nil, false
	}
	// A basic type only: a named one may have a String method that
	// Sprintf would call.
	if _, basic := mi.X.Type().(*types.Basic); !basic {
		return nil, false
	}
	if c, ok := mi.X.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() != constant.String {
		switch c.Value.Kind() {
		case constant.Int:
			if i, exact := constant.Int64Val(c.Value); exact {
				return []any{i}, true
			}
		case constant.Bool:
			return []any{constant.BoolVal(c.Value)}, true
		}
		return nil, false
	}
	if mi.X.Type().(*types.Basic).Info()&types.IsString == 0 {
		return nil, false
	}
	vs, ok := r.resolve(mi.X)
	if !ok {
		return nil, false
	}
	out := make([]any, len(vs))
	for i, x := range vs {
		if x.rebind || x.in {
			return nil, false
		}
		out[i] = x.sql
	}
	return out, true
}
