package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unsafe"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/sqllex"
	"github.com/dbprep/dbprep/internal/sqlshape"
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// describer prepares queries with SQLite's own sqlite3_prepare_v2, which
// database/sql does not expose: it gives the statement's bind parameter
// count, result columns and the byte offset of an error. The database is
// copied into memory first (SQLite's backup API, which also reads a WAL),
// so running a script's statements can never touch the file.
type describer struct {
	tls *libc.TLS
	db  uintptr
	// origins are the columns' metadata read so far, by database, table
	// and column.
	origins map[string]*querycheck.Origin
}

// Checker opens dbprep vet's query checker on the database file at u.
func (sqliteEngine) Checker(_ context.Context, u dburl.URL, _ querycheck.Options) (*querycheck.Checker, error) {
	o := u.SQLite
	if o.Memory {
		return nil, fmt.Errorf("an in-memory SQLite database has no schema to check queries against: give the prepared database file")
	}
	if _, err := os.Stat(o.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: queries are checked against the prepared database, so prepare it first "+
			"(`dbprep prepare --out %s`) or point DATABASE_URL (-D) at it", o.Path, o.Path)
	}
	e := &describer{tls: libc.NewTLS()}
	src, err := e.open(o.Path, sqlite3.SQLITE_OPEN_READONLY)
	if err != nil {
		e.tls.Close()
		return nil, fmt.Errorf("opening %s: %w", o.Path, err)
	}
	defer sqlite3.Xsqlite3_close_v2(e.tls, src)
	if e.db, err = e.open(":memory:", sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_CREATE); err != nil {
		e.tls.Close()
		return nil, err
	}
	main := e.cstring("main")
	defer libc.Xfree(e.tls, main)
	b := sqlite3.Xsqlite3_backup_init(e.tls, e.db, main, src, main)
	if b == 0 {
		err := e.errmsg(e.db)
		e.Close()
		return nil, fmt.Errorf("reading %s: %w", o.Path, err)
	}
	sqlite3.Xsqlite3_backup_step(e.tls, b, -1)
	if rc := sqlite3.Xsqlite3_backup_finish(e.tls, b); rc != sqlite3.SQLITE_OK {
		err := fmt.Errorf("reading %s: %s", o.Path, libc.GoString(sqlite3.Xsqlite3_errstr(e.tls, rc)))
		e.Close()
		return nil, err
	}
	return querycheck.New(engine.SQLite, e), nil
}

func (e *describer) open(name string, flags int32) (uintptr, error) {
	p := libc.Xmalloc(e.tls, 8)
	defer libc.Xfree(e.tls, p)
	s := e.cstring(name)
	defer libc.Xfree(e.tls, s)
	rc := sqlite3.Xsqlite3_open_v2(e.tls, s, p, flags, 0)
	db := *(*uintptr)(cPointer(p))
	if rc != sqlite3.SQLITE_OK {
		err := fmt.Errorf("%s", libc.GoString(sqlite3.Xsqlite3_errstr(e.tls, rc)))
		if db != 0 {
			err = e.errmsg(db)
			sqlite3.Xsqlite3_close_v2(e.tls, db)
		}
		return 0, err
	}
	return db, nil
}

func (e *describer) cstring(s string) uintptr {
	p, err := libc.CString(s)
	if err != nil {
		panic(err) // out of memory
	}
	return p
}

func (e *describer) errmsg(db uintptr) error {
	return fmt.Errorf("%s", libc.GoString(sqlite3.Xsqlite3_errmsg(e.tls, db)))
}

func (e *describer) exec(sql string) {
	s := e.cstring(sql)
	defer libc.Xfree(e.tls, s)
	sqlite3.Xsqlite3_exec(e.tls, e.db, s, 0, 0, 0)
}

func (e *describer) Describe(_ context.Context, sql string) querycheck.Result {
	e.origins = nil // a script's DDL may have changed them
	e.exec("SAVEPOINT dbprep_vet")
	defer e.exec("ROLLBACK TO dbprep_vet; RELEASE dbprep_vet")
	base := e.cstring(sql)
	defer libc.Xfree(e.tls, base)
	pp := libc.Xmalloc(e.tls, 16)
	defer libc.Xfree(e.tls, pp)
	ppStmt, ppTail := pp, pp+8
	var r querycheck.Result
	for next := base; *(*byte)(cPointer(next)) != 0; {
		rc := sqlite3.Xsqlite3_prepare_v2(e.tls, e.db, next, -1, ppStmt, ppTail)
		if rc != sqlite3.SQLITE_OK {
			msg := libc.GoString(sqlite3.Xsqlite3_errmsg(e.tls, e.db))
			if querycheck.IsDDL(libc.GoString(next)) && !syntaxOnly(msg) {
				// DDL is checked for its syntax only (see IsDDL); what
				// follows it in the script depends on it, so the check
				// ends here.
				r.Statements++
				return r
			}
			off := int(sqlite3.Xsqlite3_error_offset(e.tls, e.db))
			if off >= 0 {
				off += int(next - base)
			}
			r.Err = querycheck.Errorf(off, "%s", msg)
			return r
		}
		stmt := *(*uintptr)(cPointer(ppStmt))
		next = *(*uintptr)(cPointer(ppTail))
		if stmt == 0 { // only whitespace or comments
			continue
		}
		r.Statements++
		r.Params += int(sqlite3.Xsqlite3_bind_parameter_count(e.tls, stmt))
		n := int(sqlite3.Xsqlite3_column_count(e.tls, stmt))
		r.Columns = make([]querycheck.Column, n)
		var shape sqlshape.Shape
		if n > 0 {
			shape = sqlshape.Read(libc.GoString(sqlite3.Xsqlite3_sql(e.tls, stmt)), sqllex.SQLite)
		}
		for i := range n {
			r.Columns[i] = querycheck.Column{
				Name: libc.GoString(sqlite3.Xsqlite3_column_name(e.tls, stmt, int32(i))),
				Type: libc.GoString(sqlite3.Xsqlite3_column_decltype(e.tls, stmt, int32(i))),
			}
			r.Columns[i].Null, r.Columns[i].Why = querycheck.DecideNull(shape, i, e.origin(stmt, i))
		}
		if *(*byte)(cPointer(next)) != 0 {
			// Run it, in the copy and inside the savepoint, so that the
			// next statement sees what it made. Its own failure (a NULL
			// where a value is needed) is not the query's.
			for sqlite3.Xsqlite3_step(e.tls, stmt) == sqlite3.SQLITE_ROW {
			}
		}
		sqlite3.Xsqlite3_finalize(e.tls, stmt)
	}
	return r
}

// origin is the table column result column i of stmt is, from SQLite's
// column metadata: nil for an expression.
func (e *describer) origin(stmt uintptr, i int) *querycheck.Origin {
	db := libc.GoString(sqlite3.Xsqlite3_column_database_name(e.tls, stmt, int32(i)))
	table := libc.GoString(sqlite3.Xsqlite3_column_table_name(e.tls, stmt, int32(i)))
	column := libc.GoString(sqlite3.Xsqlite3_column_origin_name(e.tls, stmt, int32(i)))
	if table == "" || column == "" {
		return nil
	}
	key := db + "\x00" + table + "\x00" + column
	if o, ok := e.origins[key]; ok {
		return o
	}
	o := e.columnMeta(db, table, column)
	if e.origins == nil {
		e.origins = map[string]*querycheck.Origin{}
	}
	e.origins[key] = o
	return o
}

// columnMeta reads a table column's NOT NULL and primary key
// (sqlite3_table_column_metadata) and whether it has a DEFAULT other than
// DEFAULT NULL (pragma_table_info); nil when SQLite cannot say.
func (e *describer) columnMeta(db, table, column string) *querycheck.Origin {
	cdb, ctable, ccol := e.cstring(db), e.cstring(table), e.cstring(column)
	defer libc.Xfree(e.tls, cdb)
	defer libc.Xfree(e.tls, ctable)
	defer libc.Xfree(e.tls, ccol)
	out := libc.Xmalloc(e.tls, 12)
	defer libc.Xfree(e.tls, out)
	notNull, pk, autoinc := out, out+4, out+8
	if sqlite3.Xsqlite3_table_column_metadata(e.tls, e.db, cdb, ctable, ccol, 0, 0, notNull, pk, autoinc) != sqlite3.SQLITE_OK {
		return nil
	}
	o := &querycheck.Origin{Table: table, Column: column,
		NotNull: *(*int32)(cPointer(notNull)) != 0 || *(*int32)(cPointer(pk)) != 0}
	if !o.NotNull {
		// A virtual table's columns (FTS5, R*Tree) cannot be declared NOT
		// NULL, so the schema cannot say: unknown, never reported.
		virtual, ok := e.queryInt(fmt.Sprintf("SELECT count(*) FROM %s.sqlite_schema WHERE type = 'table' AND name = %s AND sql LIKE 'CREATE VIRTUAL TABLE%%'",
			quoteName(db), quoteString(table)))
		if !ok || virtual != 0 {
			return nil
		}
	}
	def, ok := e.queryInt(fmt.Sprintf("SELECT dflt_value IS NOT NULL AND upper(dflt_value) <> 'NULL' FROM %s.pragma_table_info(%s) WHERE name = %s",
		quoteName(db), quoteString(table), quoteString(column)))
	if !ok {
		return nil
	}
	o.HasDefault = def != 0
	return o
}

// queryInt runs a query of one integer in one row.
func (e *describer) queryInt(sql string) (int64, bool) {
	s := e.cstring(sql)
	defer libc.Xfree(e.tls, s)
	pp := libc.Xmalloc(e.tls, 8)
	defer libc.Xfree(e.tls, pp)
	if sqlite3.Xsqlite3_prepare_v2(e.tls, e.db, s, -1, pp, 0) != sqlite3.SQLITE_OK {
		return 0, false
	}
	stmt := *(*uintptr)(cPointer(pp))
	defer sqlite3.Xsqlite3_finalize(e.tls, stmt)
	if sqlite3.Xsqlite3_step(e.tls, stmt) != sqlite3.SQLITE_ROW {
		return 0, false
	}
	return sqlite3.Xsqlite3_column_int64(e.tls, stmt, 0), true
}

func quoteName(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// Close frees the in-memory copy.
func (e *describer) Close() error {
	if e.db != 0 {
		sqlite3.Xsqlite3_close_v2(e.tls, e.db)
		e.db = 0
	}
	e.tls.Close()
	return nil
}

// cPointer turns an address that modernc's libc allocated (C's memory, not
// Go's) into a pointer, the way go vet accepts.
func cPointer(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// syntaxOnly says whether SQLite's message for a statement is about its
// syntax, the one thing checked of DDL.
func syntaxOnly(msg string) bool {
	return strings.Contains(msg, "syntax error") || strings.Contains(msg, "incomplete input") || strings.Contains(msg, "unrecognized token")
}
