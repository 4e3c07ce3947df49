// Package sqlitepin makes SQLite deterministic for the length of a session:
// every clock SQLite reads ('now', CURRENT_TIMESTAMP, unixepoch(), …) reads
// a pinned instant, and its pseudo-random generator (random(),
// randomblob(), …) starts from a fixed seed. It works at SQLite's own level
// — a VFS whose current-time methods are pinned, wrapping the default one,
// and SQLite's PRNG seed — so a trigger or a default that fires during a
// later statement is pinned too — and its 'localtime' modifier reads UTC,
// whatever the time zone. Nothing rewrites SQL text.
package sqlitepin

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// VFS is the name of the pinned VFS: open a database with ?vfs=VFS (or
// dburl.SQLiteOptions.VFS) for its clock to be pinned.
const VFS = "dbprep-pinned"

// Seed is the fixed seed of SQLite's PRNG during a session. (The PRNG is
// ChaCha20; SQLite seeds it from these four bytes, then zeros.)
const Seed = 0x64627072 // "dbpr"

// julianEpochMs is 1970-01-01 00:00:00 UTC as SQLite's clock reads it:
// a Julian day number times 86 400 000.
const julianEpochMs = 210866760000000

var (
	// session serialises pinned sessions: SQLite's PRNG is one per process.
	session sync.Mutex
	// pinnedMs is the instant the VFS reports, as julian-day milliseconds.
	pinnedMs     atomic.Int64
	registerOnce sync.Once
	registerErr  error
)

// Begin pins SQLite's clock to epoch (seconds since 1970, UTC) and seeds
// its PRNG with Seed, for databases opened with VFS, until end is called.
// Sessions do not overlap: a second Begin waits for the first's end.
func Begin(epoch int64) (end func(), err error) {
	registerOnce.Do(func() { registerErr = register() })
	if registerErr != nil {
		return nil, registerErr
	}
	session.Lock()
	pinnedMs.Store(julianEpochMs + epoch*1000)
	seed(Seed)
	localtimeUTC(true)
	return func() {
		localtimeUTC(false)
		seed(0) // back to the operating system's randomness
		session.Unlock()
	}, nil
}

// localtimeUTC makes SQLite's 'localtime' and 'utc' modifiers read UTC (on)
// or the process's time zone again (off), through
// sqlite3_test_control(SQLITE_TESTCTRL_LOCALTIME_FAULT, 2, xAltLocaltime).
func localtimeUTC(on bool) {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.NewVaList(int32(0), uintptr(0))
	if on {
		va = libc.NewVaList(int32(2), cFuncPointer(gmtime))
	}
	defer libc.Xfree(tls, va)
	sqlite3.Xsqlite3_test_control(tls, sqlite3.SQLITE_TESTCTRL_LOCALTIME_FAULT, va)
}

// gmtime is SQLite's xAltLocaltime: the broken-down UTC time of *t.
func gmtime(tls *libc.TLS, t, tm uintptr) int32 {
	if libc.Xgmtime_r(tls, t, tm) == 0 {
		return 1
	}
	return 0
}

// seed sets SQLite's PRNG seed (0: the VFS's randomness) and restarts the
// generator, through sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED).
func seed(x int32) {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.NewVaList(x, uintptr(0))
	defer libc.Xfree(tls, va)
	sqlite3.Xsqlite3_test_control(tls, sqlite3.SQLITE_TESTCTRL_PRNG_SEED, va)
}

// register makes VFS: a copy of the default VFS (its files, locks and
// randomness) whose xCurrentTime and xCurrentTimeInt64 read pinnedMs. It
// lives as long as the process.
func register() error {
	tls := libc.NewTLS()
	defer tls.Close()
	def := sqlite3.Xsqlite3_vfs_find(tls, 0)
	if def == 0 {
		return fmt.Errorf("pinning SQLite's clock: no default VFS")
	}
	size := unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})
	p := libc.Xmalloc(tls, libc.Tsize_t(size))
	name, err := libc.CString(VFS)
	if p == 0 || err != nil {
		return fmt.Errorf("pinning SQLite's clock: out of memory")
	}
	vfs := (*sqlite3.Tsqlite3_vfs)(cPointer(p))
	*vfs = *(*sqlite3.Tsqlite3_vfs)(cPointer(def))
	vfs.FpNext = 0
	vfs.FzName = name
	vfs.FxCurrentTime = cFuncPointer(currentTime)
	vfs.FxCurrentTimeInt64 = cFuncPointer(currentTimeInt64)
	if rc := sqlite3.Xsqlite3_vfs_register(tls, p, 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("pinning SQLite's clock: registering the VFS: code %d", rc)
	}
	return nil
}

// currentTimeInt64 is xCurrentTimeInt64: julian-day milliseconds.
func currentTimeInt64(_ *libc.TLS, _ uintptr, out uintptr) int32 {
	*(*int64)(cPointer(out)) = pinnedMs.Load()
	return sqlite3.SQLITE_OK
}

// currentTime is xCurrentTime (SQLite uses it only when a VFS has no
// xCurrentTimeInt64): a fractional julian day.
func currentTime(_ *libc.TLS, _ uintptr, out uintptr) int32 {
	*(*float64)(cPointer(out)) = float64(pinnedMs.Load()) / 86400000
	return sqlite3.SQLITE_OK
}

// cPointer turns an address in memory that modernc's libc allocated (C's
// heap, never moved or collected by Go) into a pointer.
func cPointer(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// cFuncPointer turns a top-level Go function into the function pointer
// modernc's translated C calls (see https://golang.org/s/go11func: a func
// value points at a word holding the code pointer). f must be a top-level
// function, never a closure.
func cFuncPointer[T any](f T) uintptr {
	return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f}))
}
