package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dbprep/dbprep/internal/migration"
)

// SQLOptions are how a SQL store writes its ledger.
type SQLOptions struct {
	// Table is the ledger table; empty means DefaultTable.
	Table string
	// SQLiteNoTx honours "-- no-transaction" on SQLite, as sqlx 0.9 does;
	// sqlx 0.8 ignores it there. PostgreSQL always honours it.
	SQLiteNoTx bool
	// Pin, when set, makes ledger rows reproducible: installed_on is Pin
	// (UTC) instead of the current time and execution_time is 0.
	Pin *time.Time
	// Describe, when set, turns the error of a migration's SQL into the
	// backend's own (a line and column, a typed cause) before it is wrapped
	// in an *ExecError. It is given the store's connection.
	Describe func(conn *sql.Conn, err error, m *migration.Migration) error
	// Classify, when set, turns every error the store returns into the
	// backend's typed one (a cause for errors.Is: no space, read-only),
	// after Describe has described a migration's own.
	Classify func(error) error
	// Exec, when set, runs a migration's script on the store's connection
	// in place of one conn.ExecContext (the SQLite backend runs a large
	// script in pieces); it must run the whole script or fail.
	Exec func(ctx context.Context, conn *sql.Conn, script string) error
	// CreateSchemas are created (CREATE SCHEMA IF NOT EXISTS) by every
	// EnsureLedger, before the ledger table (sqlx.toml's create-schemas).
	CreateSchemas []string
	// TrustHasLedger: once HasLedger has found the ledger table,
	// EnsureLedger sends no CREATE TABLE IF NOT EXISTS for it (a round trip
	// on every run, on MySQL).
	TrustHasLedger bool
}

// SQLStore is a Store on one connection of a caller's *sql.DB, from any
// driver for its dialect (modernc.org/sqlite or mattn/go-sqlite3; pgx's
// stdlib or lib/pq). It takes the connection out of the pool for its
// lifetime, so that the lock, the transactions and SQLite's pragmas stay on
// one session, and starts transactions with SQL (BEGIN IMMEDIATE on SQLite)
// rather than through the driver, so that every driver locks the same way.
type SQLStore struct {
	conn     *sql.Conn
	dialect  Dialect
	table    string
	noTx     bool
	pin      *time.Time
	describe func(*sql.Conn, error, *migration.Migration) error
	execFn   func(context.Context, *sql.Conn, string) error
	classify func(error) error
	unlock   func(context.Context) error
	schemas  []string
	trustHas bool
	// had: HasLedger found the ledger table (kept only with trustHas).
	had bool
}

// NewSQL takes a connection from db for a store in dialect d.
func NewSQL(ctx context.Context, db *sql.DB, d Dialect, o SQLOptions) (*SQLStore, error) {
	if d == nil {
		return nil, errors.New("ledger.NewSQL: no dialect (use ledger.DialectOf)")
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if ss, ok := d.(interface {
		Session(context.Context, *sql.Conn) error
	}); ok {
		if err := ss.Session(ctx, conn); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return OnConn(conn, d, o), nil
}

// OnConn is a store on conn, which the caller has taken out of its pool
// for the store's lifetime. Close returns it.
func OnConn(conn *sql.Conn, d Dialect, o SQLOptions) *SQLStore {
	table := o.Table
	if table == "" {
		table = DefaultTable
	}
	return &SQLStore{conn: conn, dialect: d, table: table, noTx: o.SQLiteNoTx || d.AlwaysNoTx(), pin: o.Pin, describe: o.Describe, execFn: o.Exec, classify: o.Classify,
		schemas: o.CreateSchemas, trustHas: o.TrustHasLedger}
}

// typed is err as the backend classifies it.
func (s *SQLStore) typed(err error) error {
	if err == nil || s.classify == nil {
		return err
	}
	return s.classify(err)
}

// Table is the ledger table's name.
func (s *SQLStore) Table() string { return s.table }

// p is the n-th placeholder of the dialect.
func (s *SQLStore) p(n int) string { return s.dialect.Placeholder(n) }

// args are the arguments of a statement that names its first placeholder
// once per value: all of them where placeholders are numbered ($1, ?1),
// where one numbered placeholder stands twice; the same where each "?"
// takes the next argument (MySQL).
func (s *SQLStore) args(vals ...any) []any {
	if s.p(1) != s.p(2) {
		return vals[:1]
	}
	return vals
}

// Lock takes the dialect's migration lock: sqlx's advisory lock on
// PostgreSQL; on SQLite nothing, as each migration's transaction takes the
// write lock.
func (s *SQLStore) Lock(ctx context.Context) error {
	unlock, err := s.dialect.Lock(ctx, s.conn)
	if err != nil {
		return fmt.Errorf("taking the migration lock: %w", err)
	}
	s.unlock = unlock
	return nil
}

// Unlock releases the lock if this store holds it.
func (s *SQLStore) Unlock(ctx context.Context) error {
	if s.unlock == nil {
		return nil
	}
	if err := s.unlock(ctx); err != nil {
		return fmt.Errorf("releasing the migration lock: %w", err)
	}
	s.unlock = nil
	return nil
}

// EnsureLedger creates the schemas asked for, and the ledger table if it is
// missing.
func (s *SQLStore) EnsureLedger(ctx context.Context) error {
	for _, name := range s.schemas {
		if _, err := s.conn.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+name); err != nil {
			return fmt.Errorf("creating schema %s: %w", name, s.typed(err))
		}
	}
	if s.had {
		return nil
	}
	if err := s.dialect.EnsureLedger(ctx, s.conn, fmt.Sprintf(s.dialect.LedgerDDL(), s.table)); err != nil {
		return s.typed(fmt.Errorf("creating ledger table %s: %w", s.table, err))
	}
	return nil
}

// HasLedger reports whether the ledger table exists, from the catalog.
func (s *SQLStore) HasLedger(ctx context.Context) (bool, error) {
	ok, err := s.dialect.HasTable(ctx, s.conn, s.table)
	if err != nil {
		return false, fmt.Errorf("looking for the ledger table %s: %w", s.table, err)
	}
	s.had = ok && s.trustHas
	return ok, nil
}

// Dirty returns the smallest version with success = false.
func (s *SQLStore) Dirty(ctx context.Context) (int64, bool, error) {
	var v int64
	err := s.conn.QueryRowContext(ctx, fmt.Sprintf(
		"SELECT version FROM %s WHERE success = false ORDER BY version LIMIT 1", s.table)).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("reading %s: %w", s.table, err)
	}
	return v, true, nil
}

// Applied lists the ledger.
func (s *SQLStore) Applied(ctx context.Context) ([]Applied, error) {
	out, _, err := s.read(ctx, "SELECT version, checksum FROM %s ORDER BY version", false)
	return out, err
}

// ReadLedger reads the whole ledger, dirty rows and all, in one query and
// without the lock; with schemas to create on every run, it answers
// ErrNoSnapshot, so that the run goes the way that creates them.
func (s *SQLStore) ReadLedger(ctx context.Context) (Snapshot, error) {
	if len(s.schemas) > 0 {
		return Snapshot{}, ErrNoSnapshot
	}
	rows, dirty, err := s.read(ctx, "SELECT version, checksum, success FROM %s ORDER BY version", true)
	if err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{Rows: rows}
	if len(dirty) > 0 {
		snap.Dirty, snap.HasDirty = dirty[0], true
	}
	return snap, nil
}

// read runs query (a format for the table) and returns its rows; with
// success, the query's third column is the success flag, and dirty lists
// the versions where it is false, in the query's order.
func (s *SQLStore) read(ctx context.Context, query string, success bool) (out []Applied, dirty []int64, err error) {
	rows, err := s.conn.QueryContext(ctx, fmt.Sprintf(query, s.table))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", s.table, err)
	}
	defer rows.Close()
	// The checksums are copied into one buffer, not one allocation a row
	// (a no-op run reads every row).
	var ends []int
	var sums []byte
	var version int64
	var sum sql.RawBytes
	var ok bool
	dest := []any{&version, &sum}
	if success {
		dest = append(dest, &ok)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", s.table, err)
		}
		sums = append(sums, sum...)
		out = append(out, Applied{Version: version})
		ends = append(ends, len(sums))
		if success && !ok {
			dirty = append(dirty, version)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", s.table, err)
	}
	start := 0
	for i, end := range ends {
		out[i].Checksum = sums[start:end:end]
		start = end
	}
	return out, dirty, nil
}

// check reads, holding the write lock, the ledger around version: it is
// ErrAlreadyApplied when the version is there and should not be,
// ErrNotApplied when it is not there and should be, and ErrLedgerChanged
// when g is set and the rows below or above it are not what g says.
func (s *SQLStore) check(ctx context.Context, version int64, g *Guard, present bool) error {
	// The whole table's count (SQLite counts its smallest b-tree, without
	// reading rows) and the rows at and above the version (through the
	// primary key's index: few, as runs apply upwards and reverts go down
	// from the top); the rows below follow. No row is read per row of the
	// ledger, so a run of N migrations stays O(N log N).
	var total, at, above int
	err := s.conn.QueryRowContext(ctx, s.checkSQL(s.p(1)), s.args(version, version)...).Scan(&total, &at, &above)
	if err != nil {
		return fmt.Errorf("reading %s: %w", s.table, err)
	}
	return checked(total, at, above, g, present)
}

// checkSQL is check's query: the ledger's count, the rows at and above
// the version, which is v (a placeholder or a number).
func (s *SQLStore) checkSQL(v string) string {
	return fmt.Sprintf("SELECT (SELECT count(*) FROM %[1]s), (SELECT count(*) FROM %[1]s WHERE version = %[2]s), (SELECT count(*) FROM %[1]s WHERE version > %[2]s)",
		s.table, v)
}

// checked is check's verdict on the counts it read.
func checked(total, at, above int, g *Guard, present bool) error {
	below := total - at - above
	switch {
	case at > 0 && !present:
		return ErrAlreadyApplied
	case at == 0 && present:
		return ErrNotApplied
	case g != nil && (below != g.Below || above != g.Above):
		return ErrLedgerChanged
	}
	return nil
}

// isApplied says whether version is in the ledger.
func (s *SQLStore) isApplied(ctx context.Context, version int64) (bool, error) {
	err := s.check(ctx, version, nil, false)
	if errors.Is(err, ErrAlreadyApplied) {
		return true, nil
	}
	return false, err
}

// inTx runs fn inside a transaction begun with SQL, committing when fn
// succeeds and rolling back otherwise.
func (s *SQLStore) inTx(ctx context.Context, fn func() error) error {
	if _, err := s.conn.ExecContext(ctx, s.dialect.Begin()); err != nil {
		return fmt.Errorf("starting a transaction: %w", err)
	}
	if err := fn(); err != nil {
		return s.rollback(ctx, err)
	}
	if _, err := s.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return s.rollback(ctx, fmt.Errorf("committing: %w", err))
	}
	return nil
}

// rollback ends a failed transaction and returns err, after the dialect
// has made sure the database is whole again (see AfterRollback).
func (s *SQLStore) rollback(ctx context.Context, err error) error {
	ctx = context.WithoutCancel(ctx)
	s.conn.ExecContext(ctx, "ROLLBACK")
	if rerr := s.dialect.AfterRollback(ctx, s.conn); rerr != nil {
		return fmt.Errorf("%w; %v", err, rerr)
	}
	return err
}

// Close returns the connection to the caller's pool (after releasing the
// advisory lock, which is the session's). The *sql.DB stays open.
func (s *SQLStore) Close() error {
	s.Unlock(context.Background())
	return s.conn.Close()
}
