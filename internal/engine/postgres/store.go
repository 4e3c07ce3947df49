// Package postgres is everything dbprep does on PostgreSQL through a
// driver (pgx): the ledger store, creating and dropping databases, the
// schema dump and dbprep vet's query checker. It exports one value,
// Engine, which each program's main passes to the command line (see
// internal/engines); package store and the public sqlxmigrate do not link
// it, so that a Go program using sqlxmigrate on SQLite links no pgx.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// Store is a store.Store on one PostgreSQL session (pgx, through its
// database/sql driver). The ledger (Lock … Revert) is package ledger's SQL
// store in its PostgreSQL dialect: sqlx's advisory lock, and a migration's
// SQL sent verbatim as one simple-protocol query, as sqlx sends it; unless
// it starts with "-- no-transaction", the SQL and its ledger row commit
// together.
type Store struct {
	*ledger.SQLStore
	db   *sql.DB
	conn *sql.Conn
	cfg  *pgx.ConnConfig
}

// Config is how to open a PostgreSQL store.
type Config struct {
	// Conn is the parsed postgres:// URL.
	Conn dburl.PostgresOptions
	// ConnectTimeout bounds retries of refused connections; 0 means 10 s.
	ConnectTimeout time.Duration
	// OnWait, when set, is told while connecting waits for the server.
	OnWait func(string)
	// CreateSchemas are created (IF NOT EXISTS) before the ledger.
	CreateSchemas []string
	store.Options
}

// Open connects, retrying while the server refuses connections or
// is starting up, until ConnectTimeout has passed.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	pcfg, err := pgxConfig(cfg.Conn)
	if err != nil {
		return nil, err
	}
	db, conn, err := connectRetry(ctx, pcfg, cfg.ConnectTimeout, cfg.OnWait)
	if err != nil {
		return nil, err
	}
	lo := ledger.SQLOptions{Table: cfg.Table, Pin: cfg.Pin, Describe: describePostgres, Classify: readOnlyCause, CreateSchemas: cfg.CreateSchemas}
	return &Store{SQLStore: ledger.OnConn(conn, ledger.Postgres, lo), db: db, conn: conn, cfg: pcfg}, nil
}

// readOnlyCause marks a write PostgreSQL refused because the session is
// read-only (a standby, default_transaction_read_only) or the user may not
// create there.
func readOnlyCause(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "25006" || pe.Code == "42501") {
		return store.WithCause(err, ledger.ErrReadOnly)
	}
	return err
}

// describePostgres is the ledger's Describe for PostgreSQL: a lost
// connection is store.ErrConnectionLost; a server error gets its line and column.
func describePostgres(conn *sql.Conn, err error, m *migration.Migration) error {
	closed := false
	conn.Raw(func(dc any) error {
		if c, ok := dc.(*stdlib.Conn); ok {
			closed = c.Conn().IsClosed()
		}
		return nil
	})
	if closed {
		return fmt.Errorf("%w (%v)", store.ErrConnectionLost, err)
	}
	err = describePgError(err, m)
	var pe *store.PgError
	if m.NoTx && errors.As(err, &pe) {
		// Outside a transaction what ran before the failure stays; a failed
		// CREATE INDEX CONCURRENTLY leaves an INVALID index behind, which
		// makes every re-run fail with "already exists".
		rows, qerr := conn.QueryContext(context.Background(), `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i
			JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
		if qerr == nil {
			for rows.Next() {
				var name string
				if rows.Scan(&name) == nil {
					pe.InvalidIndexes = append(pe.InvalidIndexes, name)
				}
			}
			rows.Close()
		}
	}
	return err
}

// Session is one PostgreSQL session, connected as a store's is
// (retrying while the server starts) but with no ledger: for callers that
// speak PostgreSQL's own protocol (dbprep vet's Parse and Describe).
type Session struct {
	db   *sql.DB
	conn *sql.Conn
}

// Connect opens a session on the database o names, retrying while
// the server refuses connections or is starting up, until timeout (10 s
// when zero) has passed; onWait, when set, is told while it waits.
func Connect(ctx context.Context, o dburl.PostgresOptions, timeout time.Duration, onWait func(string)) (*Session, error) {
	pcfg, err := pgxConfig(o)
	if err != nil {
		return nil, err
	}
	db, conn, err := connectRetry(ctx, pcfg, timeout, onWait)
	if err != nil {
		return nil, err
	}
	return &Session{db: db, conn: conn}, nil
}

// Raw runs fn on the session's pgx connection.
func (s *Session) Raw(fn func(*pgx.Conn) error) error {
	return s.conn.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

// Close ends the session.
func (s *Session) Close() error {
	err := s.conn.Close()
	if err2 := s.db.Close(); err == nil {
		err = err2
	}
	return err
}

// Engine is PostgreSQL, for a program's list of engines.
var Engine postgresEngine

// postgresEngine is PostgreSQL's engines.Engine.
type postgresEngine struct{}

// Name is engine.Postgres.
func (postgresEngine) Name() engine.Engine { return engine.Postgres }

// Open opens the store of the database at u.
func (postgresEngine) Open(ctx context.Context, u dburl.URL, cfg store.OpenConfig) (store.Store, error) {
	return Open(ctx, Config{Conn: u.Postgres, ConnectTimeout: cfg.ConnectTimeout, CreateSchemas: cfg.CreateSchemas, Options: cfg.Options, OnWait: cfg.OnWait})
}

// Admin administers the database at u.
func (postgresEngine) Admin(u dburl.URL, cfg store.AdminConfig) store.Admin {
	return admin{conn: u.Postgres, timeout: cfg.ConnectTimeout, onWait: cfg.OnWait}
}

// Close releases the lock and closes the session.
func (p *Store) Close() error {
	err := p.SQLStore.Close()
	if err2 := p.db.Close(); err == nil {
		err = err2
	}
	return err
}
