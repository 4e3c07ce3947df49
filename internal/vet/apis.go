package vet

import (
	"go/types"
	"strings"
)

// kind is what a call does with its query, which says what can be checked.
type kind int

const (
	exec     kind = iota // runs it; several statements allowed without arguments
	query                // returns rows: Scan calls on them are checked
	queryRow             // returns one row: Scan calls on it are checked
	prepare              // prepares it; arguments come later
	get                  // jmoiron/sqlx Get: scans one row into dest
	sel                  // jmoiron/sqlx Select: scans rows into *[]T
	named                // jmoiron/sqlx named query (:name parameters)
	in                   // sqlx.In: the query is expanded, then rebound
)

// api is one method or function that sends SQL to a database. Indexes are
// into the call's arguments as written (the receiver not counted).
type api struct {
	kind  kind
	query int // the SQL argument
	args  int // the first query argument, -1 when it takes none
	dest  int // the destination (get, sel), -1 otherwise
	sqlx  bool
	// pgx: a native pgx call, whose Scan applies pgx's strict type rules
	// (database/sql's convertAssign converts more: text '114' into an int).
	pgx bool
}

// apis maps "pkgpath.Type.Method" (or "pkgpath.Func") to the call's shape.
var apis = map[string]api{}

const (
	databaseSQL = "database/sql"
	pgxPath     = "github.com/jackc/pgx/v5"
	pgxpool     = "github.com/jackc/pgx/v5/pgxpool"
	sqlxPath    = "github.com/jmoiron/sqlx"
)

func init() {
	add := func(pkg string, types []string, method string, a api) {
		for _, t := range types {
			apis[pkg+"."+t+"."+method] = a
		}
	}
	// database/sql: the Context forms take ctx first.
	std := []string{"DB", "Tx"}
	all := []string{"DB", "Tx", "Conn"}
	for _, m := range []struct {
		name string
		kind kind
	}{{"Exec", exec}, {"Query", query}, {"QueryRow", queryRow}, {"Prepare", prepare}} {
		a := api{kind: m.kind, query: 0, args: 1, dest: -1}
		if m.kind == prepare {
			a.args = -1
		}
		add(databaseSQL, std, m.name, a)
		a.query++
		if a.args > 0 {
			a.args++
		}
		add(databaseSQL, all, m.name+"Context", a)
	}
	// pgx v5: ctx first; Prepare(ctx, name, sql).
	pgxTypes := []string{"Conn", "Tx"}
	for _, m := range []struct {
		name string
		kind kind
	}{{"Exec", exec}, {"Query", query}, {"QueryRow", queryRow}} {
		a := api{kind: m.kind, query: 1, args: 2, dest: -1, pgx: true}
		add(pgxPath, pgxTypes, m.name, a)
		add(pgxpool, []string{"Pool", "Conn", "Tx"}, m.name, a)
	}
	add(pgxPath, pgxTypes, "Prepare", api{kind: prepare, query: 2, args: -1, dest: -1})
	add(pgxPath, []string{"Batch"}, "Queue", api{kind: exec, query: 0, args: 1, dest: -1})
	// jmoiron/sqlx. Exec, Query and QueryRow are database/sql's, promoted.
	x := []string{"DB", "Tx", "Conn"}
	for _, m := range []struct {
		name string
		a    api
	}{
		{"Get", api{kind: get, query: 1, args: 2, dest: 0}},
		{"Select", api{kind: sel, query: 1, args: 2, dest: 0}},
		{"Queryx", api{kind: query, query: 0, args: 1, dest: -1}},
		{"QueryRowx", api{kind: queryRow, query: 0, args: 1, dest: -1}},
		{"MustExec", api{kind: exec, query: 0, args: 1, dest: -1}},
		{"Preparex", api{kind: prepare, query: 0, args: -1, dest: -1}},
		{"NamedExec", api{kind: named, query: 0, args: -1, dest: -1}},
		{"NamedQuery", api{kind: named, query: 0, args: -1, dest: -1}},
		{"PrepareNamed", api{kind: named, query: 0, args: -1, dest: -1}},
	} {
		m.a.sqlx = true
		add(sqlxPath, x, m.name, m.a)
		ctx := m.a
		ctx.query++
		if ctx.args >= 0 {
			ctx.args++
		}
		if ctx.dest >= 0 {
			ctx.dest++
		}
		add(sqlxPath, x, m.name+"Context", ctx)
	}
	// Package functions: sqlx.Get(q, &dest, query, args...) and friends.
	apis[sqlxPath+".Get"] = api{kind: get, query: 2, args: 3, dest: 1, sqlx: true}
	apis[sqlxPath+".Select"] = api{kind: sel, query: 2, args: 3, dest: 1, sqlx: true}
	apis[sqlxPath+".GetContext"] = api{kind: get, query: 3, args: 4, dest: 2, sqlx: true}
	apis[sqlxPath+".SelectContext"] = api{kind: sel, query: 3, args: 4, dest: 2, sqlx: true}
	apis[sqlxPath+".NamedExec"] = api{kind: named, query: 1, args: -1, dest: -1, sqlx: true}
	apis[sqlxPath+".NamedExecContext"] = api{kind: named, query: 2, args: -1, dest: -1, sqlx: true}
	apis[sqlxPath+".MustExec"] = api{kind: exec, query: 1, args: 2, dest: -1, sqlx: true}
}

// key names a function as apis does: "pkg.Func" or "pkg.Type.Method",
// pointer receivers and type arguments dropped.
func key(f *types.Func) string {
	if f == nil || f.Pkg() == nil {
		return ""
	}
	sig, _ := f.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return f.Pkg().Path() + "." + f.Name()
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return ""
	}
	return f.Pkg().Path() + "." + n.Obj().Name() + "." + f.Name()
}

// shaped recognises the methods of a caller's own types that have the
// shape of database/sql's, pgx's or jmoiron/sqlx's: an interface such as
// sqlc's DBTX, which *sql.DB and *sql.Tx both satisfy, a service's own
// interface over *sqlx.DB and *sqlx.Tx, or a struct wrapping a database.
// The name must be one of theirs and the parameters theirs, ctx first or
// not: (query string, args ...any); for Prepare and Preparex, (query
// string); for Get and Select, (dest, query string, args ...any); for
// NamedExec and NamedQuery, (query string, arg); for PrepareNamed, (query
// string).
func shaped(f *types.Func) (api, bool) {
	if f == nil {
		return api{}, false
	}
	sig, _ := f.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return api{}, false
	}
	name := strings.TrimSuffix(f.Name(), "Context")
	var k kind
	switch name {
	case "Exec", "MustExec":
		k = exec
	case "Query", "Queryx":
		k = query
	case "QueryRow", "QueryRowx":
		k = queryRow
	case "Prepare", "Preparex":
		k = prepare
	case "Get":
		k = get
	case "Select":
		k = sel
	case "NamedExec", "NamedQuery", "PrepareNamed":
		k = named
	default:
		return api{}, false
	}
	sqlx := name != "Exec" && name != "Query" && name != "QueryRow" && name != "Prepare"
	params := sig.Params()
	at := 0
	if params.Len() > 0 && typeName(params.At(0).Type()) == "context.Context" {
		at = 1
	}
	str := func(i int) bool { return params.Len() > i && isString(params.At(i).Type()) }
	switch {
	case k == get || k == sel:
		if params.Len() == at+3 && sig.Variadic() && str(at+1) {
			return api{kind: k, query: at + 1, args: at + 2, dest: at, sqlx: true}, true
		}
	case k == named && name == "PrepareNamed" || k == prepare:
		if params.Len() == at+1 && str(at) {
			return api{kind: k, query: at, args: -1, dest: -1, sqlx: sqlx}, true
		}
	case k == named:
		if params.Len() == at+2 && !sig.Variadic() && str(at) {
			return api{kind: named, query: at, args: -1, dest: -1, sqlx: true}, true
		}
	default:
		if params.Len() == at+2 && sig.Variadic() && str(at) {
			return api{kind: k, query: at, args: at + 1, dest: -1, sqlx: sqlx}, true
		}
	}
	return api{}, false
}

func isString(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Kind() == types.String
}

// isRebind says whether f is jmoiron/sqlx's Rebind (the method, or the
// function taking the bind type first), or any method Rebind(string)
// string (a service's interface over sqlx's types), and which argument is
// the query.
func isRebind(f *types.Func) (int, bool) {
	switch k := key(f); {
	case k == sqlxPath+".Rebind":
		return 1, true
	case strings.HasPrefix(k, sqlxPath+".") && strings.HasSuffix(k, ".Rebind"):
		return 0, true
	}
	if sig, _ := f.Type().(*types.Signature); f.Name() == "Rebind" && sig != nil && sig.Recv() != nil &&
		sig.Params().Len() == 1 && isString(sig.Params().At(0).Type()) && sig.Results().Len() == 1 && isString(sig.Results().At(0).Type()) {
		return 0, true
	}
	return 0, false
}
