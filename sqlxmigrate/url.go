package sqlxmigrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
)

// engine is how this package reaches a dialect through database/sql.
type engine struct {
	// drivers are the driver names Open looks for, in order: a program
	// imports one of them.
	drivers []string
	// imports is what to import for one.
	imports string
	// dsn is the driver's data source name for u.
	dsn func(driver string, u dburl.URL) string
	// server is true for an engine behind a server, which Connect waits
	// for; false for a file, which must exist unless CreateIfMissing.
	server bool
}

// engines are the engines by dialect (ledger.DialectOf maps a URL to one).
var engines = map[Dialect]engine{
	SQLite: {
		drivers: []string{"sqlite", "sqlite3"}, // modernc.org/sqlite, github.com/mattn/go-sqlite3
		imports: `_ "modernc.org/sqlite" (or _ "github.com/mattn/go-sqlite3")`,
		dsn:     func(driver string, u dburl.URL) string { return sqliteDSN(driver, u.SQLite) },
	},
	Postgres: {
		drivers: []string{"pgx", "postgres"}, // github.com/jackc/pgx/v5/stdlib, github.com/lib/pq
		imports: `_ "github.com/jackc/pgx/v5/stdlib" (or _ "github.com/lib/pq")`,
		dsn:     func(_ string, u dburl.URL) string { return u.Postgres.ConnString(true) },
		server:  true,
	},
}

// Run applies the pending migrations in dir of fsys to the database at
// databaseURL (sqlite:… or postgres://…) and returns how many it applied:
// Connect, then a Provider's Up. It validates the ledger as sqlx does: a
// dirty, edited or missing applied migration is an error, and a failed
// migration is rolled back. The program must import a driver (see Open).
func Run(ctx context.Context, databaseURL string, fsys fs.FS, dir string, opts Options) (int, error) {
	db, d, err := Connect(ctx, databaseURL, opts)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	opts.Dir = dir
	p, err := New(db, d, fsys, opts)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	n := 0
	for _, r := range res {
		if !r.AlreadyDone {
			n++
		}
	}
	if err != nil {
		return n, scrub(err, databaseURL)
	}
	return n, nil
}

// Connect opens the database at databaseURL as Open does, and returns its
// dialect for New. With opts.CreateIfMissing a missing SQLite file is
// created; a PostgreSQL server that refuses connections (starting up) is
// retried for opts.ConnectTimeout (10 s when zero). Errors never hold the
// URL's password.
func Connect(ctx context.Context, databaseURL string, opts Options) (*sql.DB, Dialect, error) {
	u, err := dburl.Parse(databaseURL)
	if err != nil {
		return nil, 0, err
	}
	d, err := ledger.DialectOf(u)
	if err != nil {
		return nil, 0, err
	}
	if !engines[d].server && !u.SQLite.Memory && u.SQLite.Mode == "rw" {
		if opts.CreateIfMissing {
			u.SQLite.Mode = "rwc"
		} else if _, err := os.Stat(u.SQLite.Path); errors.Is(err, os.ErrNotExist) {
			return nil, 0, fmt.Errorf("%s: the database does not exist (set Options.CreateIfMissing, or add ?mode=rwc to the URL)", u.SQLite.Path)
		}
	}
	db, err := open(u, d)
	if err != nil {
		return nil, 0, scrub(err, databaseURL)
	}
	if !engines[d].server {
		return db, d, nil
	}
	if err := waitForServer(ctx, db, u, opts.ConnectTimeout); err != nil {
		db.Close()
		return nil, 0, scrub(err, databaseURL)
	}
	return db, d, nil
}

// Open opens the database at a sqlx URL with database/sql, using the
// driver the program registered: "sqlite" (modernc.org/sqlite) or
// "sqlite3" (mattn/go-sqlite3) for sqlite: URLs, with foreign keys on and a
// 30 s busy timeout as sqlx sets them; "pgx" (pgx's stdlib) or "postgres"
// (lib/pq) for postgres:// URLs. Without one, the error names the import.
func Open(databaseURL string) (*sql.DB, error) {
	u, err := dburl.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	d, err := ledger.DialectOf(u)
	if err != nil {
		return nil, err
	}
	db, err := open(u, d)
	if err != nil {
		return nil, scrub(err, databaseURL)
	}
	return db, nil
}

// open opens u with the first registered driver of dialect d.
func open(u dburl.URL, d Dialect) (*sql.DB, error) {
	e := engines[d]
	have := sql.Drivers()
	for _, name := range e.drivers {
		if slices.Contains(have, name) {
			return sql.Open(name, e.dsn(name, u))
		}
	}
	return nil, fmt.Errorf("no database/sql driver for %s is registered: import %s", d, e.imports)
}

// sqliteDSN is the "file:" URI of u for the driver: modernc takes pragmas
// as _pragma=name(value), mattn as _name=value.
func sqliteDSN(driver string, u dburl.SQLiteOptions) string {
	q := u.URIQuery()
	if driver == "sqlite" {
		q.Add("_pragma", "busy_timeout(30000)")
		q.Add("_pragma", "foreign_keys(1)")
	} else {
		q.Set("_busy_timeout", "30000")
		q.Set("_foreign_keys", "1")
	}
	return "file:" + u.URIPath() + "?" + q.Encode()
}

// waitForServer pings a server until it answers or timeout (10 s when
// zero) has passed, so that Run right after starting a server works.
func waitForServer(ctx context.Context, db *sql.DB, u dburl.URL, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	deadline := time.Now().Add(timeout)
	for {
		err := db.PingContext(ctx)
		if err == nil || time.Now().After(deadline) || !retryable(err) {
			if err != nil {
				return fmt.Errorf("connecting to %s: %w", u, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// retryable says whether a connection error may go away: a refused
// connection, or a server starting up or shutting down.
func retryable(err error) bool {
	msg := err.Error()
	for _, s := range []string{"connection refused", "the database system is starting up", "the database system is shutting down", "no such file or directory", "57P03"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

// scrub masks the URL's password in err's message, keeping errors.Is/As.
func scrub(err error, rawURL string) error {
	return &scrubbed{msg: dburl.Scrub(err.Error(), rawURL), err: err}
}
