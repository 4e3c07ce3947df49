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
	"github.com/dbprep/dbprep/internal/retry"
)

// Run applies the pending migrations in dir of fsys to the database at
// databaseURL (sqlite:…, postgres://… or mysql://…) and returns how many it applied:
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
	d, err := ledger.DialectOf(u.Engine)
	if err != nil {
		return nil, 0, err
	}
	if !d.Server() && !u.SQLite.Memory && u.SQLite.Mode == "rw" {
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
	if !d.Server() {
		return db, u.Engine, nil
	}
	if err := waitForServer(ctx, db, u, opts.ConnectTimeout); err != nil {
		db.Close()
		return nil, 0, scrub(err, databaseURL)
	}
	return db, u.Engine, nil
}

// Open opens the database at a sqlx URL with database/sql, using the
// driver the program registered: "sqlite" (modernc.org/sqlite) or
// "sqlite3" (mattn/go-sqlite3) for sqlite: URLs, with foreign keys on and a
// 30 s busy timeout as sqlx sets them; "pgx" (pgx's stdlib) or "postgres"
// (lib/pq) for postgres:// URLs; "mysql" (go-sql-driver/mysql) for
// mysql:// and mariadb:// URLs. Without one, the error names the import.
func Open(databaseURL string) (*sql.DB, error) {
	u, err := dburl.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	d, err := ledger.DialectOf(u.Engine)
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
func open(u dburl.URL, d ledger.Dialect) (*sql.DB, error) {
	have := sql.Drivers()
	for _, name := range d.Drivers() {
		if slices.Contains(have, name) {
			return sql.Open(name, d.DSN(name, u))
		}
	}
	return nil, fmt.Errorf("no database/sql driver for %s is registered: import %s", d.Engine(), d.Imports())
}

// waitForServer pings a server until it answers or timeout (10 s when
// zero) has passed, so that Run right after starting a server works.
func waitForServer(ctx context.Context, db *sql.DB, u dburl.URL, timeout time.Duration) error {
	err := retry.Do(ctx, retry.Config{Timeout: timeout, Retryable: retryable}, db.PingContext)
	if err != nil && err != ctx.Err() {
		return fmt.Errorf("connecting to %s: %w", u, err)
	}
	return err
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
