package mysql

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/store"
)

// Store is a store.Store on one MySQL or MariaDB session, set up as sqlx's
// (ledger.MySQLSession). The ledger (Lock … Revert) is package ledger's SQL
// store in its MySQL dialect: sqlx's GET_LOCK (taken for real on MariaDB
// too, and checked), and sqlx's order of a migration's row (written with
// success = FALSE before the SQL, set TRUE after, in a transaction that
// MySQL commits at the first DDL statement).
type Store struct {
	*ledger.SQLStore
	db   *sql.DB
	conn *sql.Conn
	// named: the URL names a database, which the session then has (the
	// driver connects to it): requireDatabase asks the server nothing.
	named bool
}

// Config is how to open a MySQL store.
type Config struct {
	// Conn is the parsed mysql:// URL.
	Conn dburl.MySQLOptions
	// ConnectTimeout bounds retries of refused connections; 0 means 10 s.
	ConnectTimeout time.Duration
	// OnWait, when set, is told while connecting waits for the server.
	OnWait func(string)
	// CreateSchemas are created (CREATE SCHEMA IF NOT EXISTS: a database,
	// on MySQL) before the ledger, as sqlx 0.9 does.
	CreateSchemas []string
	store.Options
}

// Open connects, retrying while the server refuses connections, until
// ConnectTimeout has passed.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	dcfg, err := driverConfig(cfg.Conn, cfg.Conn.Database)
	if err != nil {
		return nil, err
	}
	db, conn, err := connectRetry(ctx, dcfg, cfg.ConnectTimeout, cfg.OnWait)
	if err != nil {
		return nil, err
	}
	lo := ledger.SQLOptions{Table: cfg.Table, Pin: cfg.Pin, Describe: describe, Classify: classify, CreateSchemas: cfg.CreateSchemas, TrustHasLedger: true}
	return &Store{SQLStore: ledger.OnConn(conn, ledger.MySQL, lo), db: db, conn: conn, named: cfg.Conn.Database != ""}, nil
}

// EnsureLedger creates the schemas asked for and the ledger table. With no
// default database it fails before anything is created, saying so.
func (s *Store) EnsureLedger(ctx context.Context) error {
	if err := s.requireDatabase(ctx); err != nil {
		return err
	}
	return s.SQLStore.EnsureLedger(ctx)
}

// HasLedger is false, not an error, on a session without a database.
func (s *Store) HasLedger(ctx context.Context) (bool, error) {
	if err := s.requireDatabase(ctx); err != nil {
		return false, err
	}
	return s.SQLStore.HasLedger(ctx)
}

// requireDatabase fails on a session without a default database (a URL
// that names none): sqlx's lock and the ledger need one.
func (s *Store) requireDatabase(ctx context.Context) error {
	if s.named {
		return nil
	}
	var db sql.NullString
	if err := s.conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db); err != nil {
		return classify(err)
	}
	if !db.Valid {
		return ledger.ErrNoDefaultDatabase
	}
	return nil
}

// Close releases the lock and closes the session.
func (s *Store) Close() error {
	err := s.SQLStore.Close()
	if err2 := s.db.Close(); err == nil {
		err = err2
	}
	return err
}

// errNoDatabaseName is a URL without a database where one is needed.
var errNoDatabaseName = errors.New("the URL names no database: add one, e.g. mysql://USER@HOST/DBNAME (sqlx: DATABASE_URL does not specify a database)")
