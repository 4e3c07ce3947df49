package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// SQLiteLedgerDDL is sqlx's ledger table for SQLite, byte for byte.
const SQLiteLedgerDDL = ledger.SQLiteLedgerDDL

// DefaultBusyTimeout is how long a SQLite write waits for another writer.
const DefaultBusyTimeout = 30 * time.Second

// SQLite is a Store on one SQLite connection (modernc.org/sqlite, no cgo).
// Foreign keys are on, as sqlx turns them on; transactions are BEGIN
// IMMEDIATE, so two processes never interleave inside a migration.
type SQLite struct {
	db    *sql.DB
	conn  *sql.Conn
	table string
	pin   *time.Time
	noTx  bool
}

// SQLiteConfig is how to open a SQLite store.
type SQLiteConfig struct {
	URL dburl.SQLiteOptions
	// Create creates the file when it is missing, whatever the URL's mode.
	Create bool
	// BusyTimeout defaults to DefaultBusyTimeout.
	BusyTimeout time.Duration
	Options
}

// ErrNoDatabase is a database that does not exist: from OpenSQLite, a file
// that neither mode=rwc nor Create asks to be made; from a server, a
// *ConnectError whose server says so.
var ErrNoDatabase = errors.New("database does not exist")

// OpenSQLite opens the database of cfg.
func OpenSQLite(ctx context.Context, cfg SQLiteConfig) (*SQLite, error) {
	u := cfg.URL
	if cfg.Create && u.Mode == "rw" {
		u.Mode = "rwc"
	}
	if !u.Memory && u.Mode != "rwc" {
		if _, err := os.Stat(u.Path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (or add ?mode=rwc to the URL to create it on connecting)", u.Path, ErrNoDatabase)
		}
	}
	busy := cfg.BusyTimeout
	if busy == 0 {
		busy = DefaultBusyTimeout
	}
	db, err := sql.Open("sqlite", SQLiteDSN(u, busy))
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
	return &SQLite{db: db, conn: conn, table: cfg.table(), pin: cfg.Pin, noTx: cfg.SQLiteNoTx}, nil
}

func displayPath(u dburl.SQLiteOptions) string {
	if u.Memory {
		return ":memory:"
	}
	return u.Path
}

// SQLiteDSN builds modernc's "file:" URI for u.
func SQLiteDSN(u dburl.SQLiteOptions, busy time.Duration) string {
	q := u.URIQuery()
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + u.URIPath() + "?" + q.Encode()
}

// Lock does nothing: Apply takes SQLite's write lock for each migration.
func (s *SQLite) Lock(context.Context) error { return nil }

// Unlock does nothing.
func (s *SQLite) Unlock(context.Context) error { return nil }

// EnsureLedger creates the ledger table if it is missing.
func (s *SQLite) EnsureLedger(ctx context.Context) error {
	if _, err := s.conn.ExecContext(ctx, fmt.Sprintf(SQLiteLedgerDDL, s.table)); err != nil {
		return fmt.Errorf("creating ledger table %s: %w", s.table, err)
	}
	return nil
}

// Dirty returns the smallest version with success = false.
func (s *SQLite) Dirty(ctx context.Context) (int64, bool, error) {
	return dirty(ctx, s.conn, s.table)
}

// Applied lists the ledger.
func (s *SQLite) Applied(ctx context.Context) ([]Applied, error) {
	return applied(ctx, s.conn, s.table)
}

// Apply runs m and records it, in one BEGIN IMMEDIATE transaction.
// "-- no-transaction" is ignored on SQLite, as sqlx 0.8 ignores it, unless
// the store was opened with SQLiteNoTx (sqlx 0.9): then the SQL runs on its
// own and the row is written after it, as on PostgreSQL.
//
// sqlx inserts execution_time = -1 and sets it after the commit, in a
// second transaction; nothing ever reads it, so dbprep writes the time the
// SQL took in the same INSERT and commits once per migration.
func (s *SQLite) Apply(ctx context.Context, m *migration.Migration) (time.Duration, error) {
	if m.NoTx && s.noTx {
		return s.applyNoTx(ctx, m)
	}
	start := time.Now()
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("starting the transaction for migration %d: %w", m.Version, err)
	}
	defer tx.Rollback()
	if err := checkNotApplied(ctx, tx, s.table, m.Version, "?1"); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return 0, s.settle(ctx, tx, &ExecError{Version: m.Version, File: m.File, Err: err})
	}
	if err := s.insertRow(ctx, tx, m, time.Since(start)); err != nil {
		return 0, s.settle(ctx, tx, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, s.settle(ctx, tx, fmt.Errorf("committing migration %d: %w", m.Version, err))
	}
	return time.Since(start), nil
}

func (s *SQLite) applyNoTx(ctx context.Context, m *migration.Migration) (time.Duration, error) {
	start := time.Now()
	if err := checkNotApplied(ctx, s.conn, s.table, m.Version, "?1"); err != nil {
		return 0, err
	}
	if _, err := s.conn.ExecContext(ctx, m.SQL); err != nil {
		return 0, &ExecError{Version: m.Version, File: m.File, Err: err}
	}
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := s.insertRow(ctx, tx, m, time.Since(start)); err != nil {
		return 0, err
	}
	return time.Since(start), tx.Commit()
}

func (s *SQLite) insertRow(ctx context.Context, tx *sql.Tx, m *migration.Migration, elapsed time.Duration) error {
	installed, execTime := "CURRENT_TIMESTAMP", elapsed.Nanoseconds()
	if s.pin != nil {
		installed, execTime = "'"+installedOn(*s.pin)+"'", 0
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(
		`INSERT INTO %s ( version, description, installed_on, success, checksum, execution_time ) VALUES ( ?1, ?2, %s, TRUE, ?3, ?4 )`,
		s.table, installed), m.Version, m.Description, m.Checksum, execTime)
	if err != nil {
		return fmt.Errorf("recording migration %d in %s: %w", m.Version, s.table, err)
	}
	return nil
}

// Revert runs the down migration m and deletes its row, in one transaction.
func (s *SQLite) Revert(ctx context.Context, m *migration.Migration) (time.Duration, error) {
	if m.NoTx && s.noTx {
		return s.revertNoTx(ctx, m)
	}
	start := time.Now()
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("starting the transaction for migration %d: %w", m.Version, err)
	}
	defer tx.Rollback()
	if err := checkNotApplied(ctx, tx, s.table, m.Version, "?1"); err == nil {
		return 0, ErrNotApplied
	} else if !errors.Is(err, ErrAlreadyApplied) {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return 0, s.settle(ctx, tx, &ExecError{Version: m.Version, File: m.File, Down: true, Err: err})
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE version = ?1`, s.table), m.Version); err != nil {
		return 0, fmt.Errorf("removing migration %d from %s: %w", m.Version, s.table, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("committing the revert of migration %d: %w", m.Version, err)
	}
	return time.Since(start), nil
}

// settle rolls back after a failed write and makes sure the file is whole
// again. After an I/O error (disk full, file-size limit) SQLite may leave
// the rollback unfinished, with a hot journal beside the file; reading the
// schema makes it play the journal back now, rather than leave that to the
// next process to open the file. The error returned is err, or err and the
// reason the file could not be restored.
func (s *SQLite) settle(ctx context.Context, tx *sql.Tx, err error) error {
	tx.Rollback()
	var n int
	if rerr := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); rerr != nil {
		return fmt.Errorf("%w; restoring the database afterwards also failed: %v (SQLite restores it from the -journal file the next time it is opened: keep that file)", err, rerr)
	}
	return err
}

// revertNoTx runs a "-- no-transaction" down migration on its own, then
// deletes its row (sqlx 0.9).
func (s *SQLite) revertNoTx(ctx context.Context, m *migration.Migration) (time.Duration, error) {
	start := time.Now()
	if err := checkNotApplied(ctx, s.conn, s.table, m.Version, "?1"); err == nil {
		return 0, ErrNotApplied
	} else if !errors.Is(err, ErrAlreadyApplied) {
		return 0, err
	}
	if _, err := s.conn.ExecContext(ctx, m.SQL); err != nil {
		return 0, &ExecError{Version: m.Version, File: m.File, Down: true, Err: err}
	}
	if _, err := s.conn.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE version = ?1`, s.table), m.Version); err != nil {
		return 0, fmt.Errorf("removing migration %d from %s: %w", m.Version, s.table, err)
	}
	return time.Since(start), nil
}

// VacuumInto writes a compacted copy of the database to path, which must not
// exist. SQLite creates the file with its usual mode (0644 less the umask).
func (s *SQLite) VacuumInto(ctx context.Context, path string) error {
	if _, err := s.conn.ExecContext(ctx, "VACUUM INTO ?1", path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Conn is the store's connection, for callers that inspect the database.
func (s *SQLite) Conn() *sql.Conn { return s.conn }

// Close closes the connection; with a rollback journal nothing is left beside the file.
func (s *SQLite) Close() error {
	err := s.conn.Close()
	if err2 := s.db.Close(); err == nil {
		err = err2
	}
	return err
}
