package vet

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// variant is one SQL text a query argument can hold.
type variant struct {
	sql    string
	rebind bool // it went through jmoiron/sqlx's Rebind: `?` becomes `$n` on PostgreSQL
	in     bool // it went through sqlx.In: lists are expanded, arguments unknown
}

// maxVariants bounds the texts one argument can be resolved to (branches
// multiply through concatenation); beyond it the query counts as dynamic.
const maxVariants = 64

// resolver finds every text a string value can hold when each is known at
// compile time: constants, concatenations of them, Phi nodes of branches,
// locals (lifted or not, captured by closures), package variables whose
// every store in the package is such a text, and sqlx.In and Rebind.
type resolver struct {
	pkg      *ssa.Package
	funcs    []*ssa.Function
	visiting map[ssa.Value]bool
}

func (r *resolver) resolve(v ssa.Value) ([]variant, bool) {
	if r.visiting[v] {
		return nil, false // a loop: `q += …` builds a text at run time
	}
	r.visiting[v] = true
	defer delete(r.visiting, v)
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value != nil && v.Value.Kind() == constant.String {
			return []variant{{sql: constant.StringVal(v.Value)}}, true
		}
	case *ssa.Phi:
		return r.union(v.Edges)
	case *ssa.BinOp:
		if v.Op != token.ADD {
			return nil, false
		}
		x, ok := r.resolve(v.X)
		if !ok {
			return nil, false
		}
		y, ok := r.resolve(v.Y)
		if !ok || len(x)*len(y) > maxVariants {
			return nil, false
		}
		var out []variant
		for _, a := range x {
			for _, b := range y {
				out = append(out, variant{sql: a.sql + b.sql, rebind: a.rebind || b.rebind, in: a.in || b.in})
			}
		}
		return out, true
	case *ssa.ChangeType:
		return r.resolve(v.X)
	case *ssa.Convert:
		return r.resolve(v.X)
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return r.load(v.X)
		}
	case *ssa.Call:
		if v.Call.IsInvoke() {
			if i, ok := isRebind(v.Call.Method); ok {
				return r.mark(v.Call.Args[i], func(x *variant) { x.rebind = true })
			}
		}
		if f := v.Call.StaticCallee(); f != nil {
			if f.Pkg != nil && f.Pkg.Pkg.Path() == "fmt" && f.Name() == "Sprintf" && len(v.Call.Args) == 2 {
				return r.sprintf(v.Call.Args[0], v.Call.Args[1])
			}
			if f.Pkg != nil && f.Pkg.Pkg.Path() == "strings" && f.Name() == "Join" && len(v.Call.Args) == 2 {
				return r.join(v.Call.Args[0], v.Call.Args[1])
			}
			if f.Pkg == r.pkg && len(f.Params) == 0 && f.Signature.Results().Len() == 1 {
				return r.returns(f)
			}
			if i, ok := isRebind(calleeObj(f)); ok {
				if !v.Call.IsInvoke() && f.Signature.Recv() != nil {
					i++ // the receiver is an argument in SSA
				}
				return r.mark(v.Call.Args[i], func(x *variant) { x.rebind = true })
			}
		}
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 {
			if f := c.Call.StaticCallee(); f != nil && key(calleeObj(f)) == sqlxPath+".In" {
				return r.mark(c.Call.Args[0], func(x *variant) { x.in = true })
			}
		}
	}
	return nil, false
}

func (r *resolver) mark(v ssa.Value, set func(*variant)) ([]variant, bool) {
	vs, ok := r.resolve(v)
	for i := range vs {
		set(&vs[i])
	}
	return vs, ok
}

func (r *resolver) union(values []ssa.Value) ([]variant, bool) {
	var out []variant
	seen := map[variant]bool{}
	for _, e := range values {
		vs, ok := r.resolve(e)
		if !ok {
			return nil, false
		}
		for _, x := range vs {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out, len(out) > 0 && len(out) <= maxVariants
}

// load resolves *addr: every value stored there must be known, and the
// address must not escape (be passed on, where anything could store).
func (r *resolver) load(addr ssa.Value) ([]variant, bool) {
	switch a := addr.(type) {
	case *ssa.Alloc:
		return r.stores(a, *a.Referrers())
	case *ssa.FreeVar:
		// A local captured by a closure: the enclosing function's variable.
		parent := a.Parent()
		for i, fv := range parent.FreeVars {
			if fv != a {
				continue
			}
			var vals []variant
			for _, mc := range closures(parent) {
				vs, ok := r.load(mc.Bindings[i])
				if !ok {
					return nil, false
				}
				vals = append(vals, vs...)
			}
			return vals, len(vals) > 0
		}
	case *ssa.Global:
		if a.Pkg != r.pkg {
			return nil, false
		}
		var refs []ssa.Instruction
		for _, f := range r.funcs {
			for _, b := range f.Blocks {
				for _, instr := range b.Instrs {
					for _, op := range instr.Operands(nil) {
						if *op == a {
							refs = append(refs, instr)
						}
					}
				}
			}
		}
		return r.stores(a, refs)
	}
	return nil, false
}

// stores resolves the values stored at addr by refs, its users.
func (r *resolver) stores(addr ssa.Value, refs []ssa.Instruction) ([]variant, bool) {
	var vals []ssa.Value
	for _, instr := range refs {
		switch instr := instr.(type) {
		case *ssa.Store:
			if instr.Addr != addr {
				return nil, false
			}
			vals = append(vals, instr.Val)
		case *ssa.UnOp:
			if instr.Op != token.MUL {
				return nil, false
			}
		case *ssa.DebugRef:
		case *ssa.MakeClosure:
			if closureStores(instr, addr) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	if len(vals) == 0 {
		return nil, false
	}
	return r.union(vals)
}

// closures are the MakeClosure instructions that create fn.
func closures(fn *ssa.Function) []*ssa.MakeClosure {
	var out []*ssa.MakeClosure
	for _, ref := range *fn.Referrers() {
		if mc, ok := ref.(*ssa.MakeClosure); ok {
			out = append(out, mc)
		}
	}
	return out
}

// closureStores says whether the closure mc writes to (or lets escape) the
// variable addr it captures.
func closureStores(mc *ssa.MakeClosure, addr ssa.Value) bool {
	fn := mc.Fn.(*ssa.Function)
	for i, b := range mc.Bindings {
		if b != addr {
			continue
		}
		for _, ref := range *fn.FreeVars[i].Referrers() {
			switch ref := ref.(type) {
			case *ssa.UnOp:
				if ref.Op != token.MUL {
					return true
				}
			case *ssa.DebugRef:
			default:
				return true
			}
		}
	}
	return false
}

// calleeObj is the declared function behind an SSA function (the generic
// origin of an instantiation).
func calleeObj(f *ssa.Function) *types.Func {
	if o := f.Origin(); o != nil {
		f = o
	}
	obj, _ := f.Object().(*types.Func)
	return obj
}

// returns resolves what a function of the package without parameters
// returns (a helper that builds a query from constants): every return's
// value must be known.
func (r *resolver) returns(f *ssa.Function) ([]variant, bool) {
	var vals []ssa.Value
	for _, b := range f.Blocks {
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) == 1 {
			vals = append(vals, ret.Results[0])
		}
	}
	if len(vals) == 0 {
		return nil, false
	}
	return r.union(vals)
}

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
