package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DefaultBusyTimeout is how long a SQLite write waits for another writer:
// sqlx's.
const DefaultBusyTimeout = ledger.SQLiteBusyTimeout

// SQLite is a store.Store on one SQLite connection (modernc.org/sqlite, no cgo).
// Foreign keys are on, as sqlx turns them on; transactions are BEGIN
// IMMEDIATE, so two processes never interleave inside a migration.
//
// The ledger (Lock … Revert) is package ledger's SQL store in its SQLite
// dialect: "-- no-transaction" is ignored, as sqlx 0.8 ignores it on
// SQLite, unless the store was opened with SQLiteNoTx (sqlx 0.9).
type Store struct {
	*ledger.SQLStore
	db   *sql.DB
	conn *sql.Conn
}

// Config is how to open a SQLite store.
type Config struct {
	URL dburl.SQLiteOptions
	// Create creates the file when it is missing, whatever the URL's mode.
	Create bool
	// BusyTimeout defaults to DefaultBusyTimeout.
	BusyTimeout time.Duration
	// Scratch is for a file no other connection opens and nothing keeps
	// after a failure (prepare's build): the rollback journal is kept in
	// memory, nothing is synced, the lock is held until Close, and the page
	// cache is 16 MiB, so memory stays bounded however large it grows.
	Scratch bool
	store.Options
}

// Open opens the database of cfg.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	u := cfg.URL
	if cfg.Create && u.Mode == "rw" {
		u.Mode = "rwc"
	}
	if !u.Memory {
		fi, err := os.Stat(u.Path)
		switch {
		case errors.Is(err, os.ErrNotExist) && u.Mode != "rwc":
			return nil, fmt.Errorf("%s: %w (or add ?mode=rwc to the URL to create it on connecting)", u.Path, store.ErrNoDatabase)
		case err == nil && fi.IsDir():
			return nil, fmt.Errorf("%s is a directory, not a database file: name a file, e.g. sqlite:%s", u.Path, filepath.Join(u.Path, "db.sqlite3"))
		case err == nil && !fi.Mode().IsRegular():
			return nil, fmt.Errorf("%s is not a regular file (%s), so it cannot hold a SQLite database: name a file, e.g. sqlite:db.sqlite3", u.Path, fileKind(fi.Mode()))
		}
	}
	busy := cfg.BusyTimeout
	if busy == 0 {
		busy = DefaultBusyTimeout
	}
	dsn := DSN(u, busy)
	if cfg.Scratch {
		dsn += "&_pragma=journal_mode(MEMORY)&_pragma=synchronous(OFF)&_pragma=locking_mode(EXCLUSIVE)&_pragma=cache_size(-16384)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: an in-memory database lives as long as it does, and
	// the pragmas set on it hold for every statement.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", displayPath(u), err)
	}
	// Have SQLite read the schema now, which the first statement would do
	// anyway: a caller that opens while it reads the migrations (cli's
	// migrate commands) does the two at once, and a file that is not a
	// database is refused here.
	if _, err := conn.ExecContext(ctx, "SELECT 1 FROM sqlite_master LIMIT 0"); err != nil {
		conn.Close()
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", displayPath(u), classify(err))
	}
	lo := ledger.SQLOptions{Table: cfg.Table, SQLiteNoTx: cfg.SQLiteNoTx, Pin: cfg.Pin, Exec: execScript, Describe: describeError(cfg.SQLiteNoTx), Classify: classify}
	return &Store{SQLStore: ledger.OnConn(conn, ledger.SQLite, lo), db: db, conn: conn}, nil
}

func displayPath(u dburl.SQLiteOptions) string {
	if u.Memory {
		return ":memory:"
	}
	return u.Path
}

// DSN builds modernc's "file:" URI for u (ledger.SQLiteURI), whose
// transactions take the write lock at BEGIN.
func DSN(u dburl.SQLiteOptions, busy time.Duration) string {
	return ledger.SQLiteURI("sqlite", u, busy) + "&_txlock=immediate"
}

// Snapshot is what a snapshot holds.
type Snapshot struct {
	// Tables counts the tables, the ledger's among them, SQLite's own not.
	Tables int
}

// Snapshot writes a compacted copy of the database to path, which must not
// exist (VACUUM INTO; SQLite creates the file with its usual mode, 0644
// less the umask). appID, when not 0, is first set as the database's
// application_id, unless a migration set one of its own.
func (s *Store) Snapshot(ctx context.Context, path string, appID uint32) (Snapshot, error) {
	var snap Snapshot
	if err := s.conn.QueryRowContext(ctx,
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(&snap.Tables); err != nil {
		return snap, fmt.Errorf("reading the schema: %w", err)
	}
	if appID != 0 {
		var id int64
		if err := s.conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id); err != nil {
			return snap, fmt.Errorf("reading the application_id: %w", err)
		}
		if id == 0 {
			// The pragma takes a signed 32-bit integer.
			if _, err := s.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", int32(appID))); err != nil {
				return snap, fmt.Errorf("setting the application_id: %w", err)
			}
		}
	}
	if _, err := s.conn.ExecContext(ctx, "VACUUM INTO ?1", path); err != nil {
		return snap, classify(fmt.Errorf("writing %s: %w", path, err))
	}
	return snap, nil
}

// Close closes the connection; with a rollback journal nothing is left beside the file.
func (s *Store) Close() error {
	err := s.conn.Close()
	if err2 := s.db.Close(); err == nil {
		err = err2
	}
	return err
}

// fileKind names a file mode that is not a regular file's.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
