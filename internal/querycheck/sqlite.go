package querycheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"unsafe"

	"github.com/dbprep/dbprep/internal/dburl"
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteEngine prepares queries with SQLite's own sqlite3_prepare_v2, which
// database/sql does not expose: it gives the statement's bind parameter
// count, result columns and the byte offset of an error. The database is
// copied into memory first (SQLite's backup API, which also reads a WAL),
// so running a script's statements can never touch the file.
type sqliteEngine struct {
	tls *libc.TLS
	db  uintptr
}

func openSQLite(o dburl.SQLiteOptions) (*sqliteEngine, error) {
	if o.Memory {
		return nil, fmt.Errorf("an in-memory SQLite database has no schema to check queries against: give the prepared database file")
	}
	if _, err := os.Stat(o.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: queries are checked against the prepared database, so prepare it first "+
			"(`dbprep prepare --out %s`) or point DATABASE_URL (-D) at it", o.Path, o.Path)
	}
	e := &sqliteEngine{tls: libc.NewTLS()}
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
		e.close()
		return nil, fmt.Errorf("reading %s: %w", o.Path, err)
	}
	sqlite3.Xsqlite3_backup_step(e.tls, b, -1)
	if rc := sqlite3.Xsqlite3_backup_finish(e.tls, b); rc != sqlite3.SQLITE_OK {
		err := fmt.Errorf("reading %s: %s", o.Path, libc.GoString(sqlite3.Xsqlite3_errstr(e.tls, rc)))
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *sqliteEngine) open(name string, flags int32) (uintptr, error) {
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

func (e *sqliteEngine) cstring(s string) uintptr {
	p, err := libc.CString(s)
	if err != nil {
		panic(err) // out of memory
	}
	return p
}

func (e *sqliteEngine) errmsg(db uintptr) error {
	return fmt.Errorf("%s", libc.GoString(sqlite3.Xsqlite3_errmsg(e.tls, db)))
}

func (e *sqliteEngine) exec(sql string) {
	s := e.cstring(sql)
	defer libc.Xfree(e.tls, s)
	sqlite3.Xsqlite3_exec(e.tls, e.db, s, 0, 0, 0)
}

func (e *sqliteEngine) check(_ context.Context, sql string) Result {
	e.exec("SAVEPOINT dbprep_vet")
	defer e.exec("ROLLBACK TO dbprep_vet; RELEASE dbprep_vet")
	base := e.cstring(sql)
	defer libc.Xfree(e.tls, base)
	pp := libc.Xmalloc(e.tls, 16)
	defer libc.Xfree(e.tls, pp)
	ppStmt, ppTail := pp, pp+8
	var r Result
	for next := base; *(*byte)(cPointer(next)) != 0; {
		rc := sqlite3.Xsqlite3_prepare_v2(e.tls, e.db, next, -1, ppStmt, ppTail)
		if rc != sqlite3.SQLITE_OK {
			off := int(sqlite3.Xsqlite3_error_offset(e.tls, e.db))
			if off >= 0 {
				off += int(next - base)
			}
			r.Err = errorf(off, "%s", libc.GoString(sqlite3.Xsqlite3_errmsg(e.tls, e.db)))
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
		r.Columns = make([]Column, n)
		for i := range n {
			r.Columns[i] = Column{
				Name: libc.GoString(sqlite3.Xsqlite3_column_name(e.tls, stmt, int32(i))),
				Type: libc.GoString(sqlite3.Xsqlite3_column_decltype(e.tls, stmt, int32(i))),
			}
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

func (e *sqliteEngine) close() error {
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
