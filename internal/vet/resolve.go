package vet

import (
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
