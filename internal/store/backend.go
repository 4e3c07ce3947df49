package store

import (
	"context"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
)

// Backend is one database engine: it opens the ledger store of a database
// and administers databases (create, exists, drop). The CLI, prepare and
// dbprep vet reach an engine only through For, Open and NewAdmin.
//
// To add an engine (say MySQL, which sqlx also supports):
//
//  1. internal/dburl/dburl.go: a Kind for its URL scheme, and Parse for
//     its URLs (sqlx's rules: its connect options' from_str).
//  2. internal/ledger/ledger.go and sql.go: a Dialect, DialectOf's case for
//     the Kind, and the dialect's ledger DDL (byte for byte sqlx's
//     migrate/<engine>.rs), placeholder, BEGIN and Lock. Apply and Revert
//     are written once, in SQLStore, for every dialect.
//  3. internal/store/<engine>.go: the Store: open a *sql.Conn with the
//     engine's driver and embed ledger.OnConn's SQLStore; Describe turns the
//     driver's errors into typed ones (errors.go: ErrNoSpace,
//     ErrInTransaction, ErrConnectionLost, *ConnectError kinds).
//  4. internal/store/<engine>_admin.go: its Admin, and its Backend entry in
//     backends below.
//  5. internal/store/schema_<engine>.go: DumpSchema (Dumper), for
//     `dbprep schema`; optional.
//  6. internal/store/<engine>_test.go: run storetest.Run, the suite every
//     store passes, on a real server; sqlxmigrate's drivers table names its
//     database/sql drivers.
type Backend interface {
	// Open opens the store of the database at u.
	Open(ctx context.Context, u dburl.URL, cfg OpenConfig) (Store, error)
	// Admin administers the database at u.
	Admin(u dburl.URL, cfg AdminConfig) Admin
}

// Admin creates and drops the database a URL names.
type Admin interface {
	// Exists reports whether the database exists.
	Exists(ctx context.Context) (bool, error)
	// Create creates the database; it must not exist.
	Create(ctx context.Context) error
	// Drop drops the database if it exists. force first ends the other
	// sessions connected to it, where there are sessions.
	Drop(ctx context.Context, force bool) error
}

// OpenConfig is how to open a store for a URL.
type OpenConfig struct {
	Options
	// ConnectTimeout bounds connecting (retrying refused connections) on
	// servers; zero means 10 s.
	ConnectTimeout time.Duration
	// CreateSchemas are created before the ledger (PostgreSQL only).
	CreateSchemas []string
	// OnWait, when set, is told while connecting waits for a server.
	OnWait func(string)
}

// AdminConfig is how to administer databases.
type AdminConfig struct {
	// ConnectTimeout bounds retries of refused connections on servers.
	ConnectTimeout time.Duration
	// OnWait, when set, is told while connecting waits for the server.
	OnWait func(string)
	// SQLiteWAL creates SQLite databases in WAL mode.
	SQLiteWAL bool
}

// backends are the engines, by their ledger dialect.
var backends = map[ledger.Dialect]Backend{
	ledger.SQLite:   sqliteBackend{},
	ledger.Postgres: postgresBackend{},
}

// For is the backend of u. This, with ledger.DialectOf, is the one place
// that maps a URL to an engine.
func For(u dburl.URL) (Backend, error) {
	d, err := ledger.DialectOf(u)
	if err != nil {
		return nil, err
	}
	return backends[d], nil
}

// Open opens the store of the database at u.
func Open(ctx context.Context, u dburl.URL, cfg OpenConfig) (Store, error) {
	b, err := For(u)
	if err != nil {
		return nil, err
	}
	return b.Open(ctx, u, cfg)
}

// NewAdmin administers the database at u.
func NewAdmin(u dburl.URL, cfg AdminConfig) (Admin, error) {
	b, err := For(u)
	if err != nil {
		return nil, err
	}
	return b.Admin(u, cfg), nil
}

type sqliteBackend struct{}

func (sqliteBackend) Open(ctx context.Context, u dburl.URL, cfg OpenConfig) (Store, error) {
	return OpenSQLite(ctx, SQLiteConfig{URL: u.SQLite, Options: cfg.Options})
}

func (sqliteBackend) Admin(u dburl.URL, cfg AdminConfig) Admin {
	return sqliteAdmin{u: u.SQLite, wal: cfg.SQLiteWAL}
}

type postgresBackend struct{}

func (postgresBackend) Open(ctx context.Context, u dburl.URL, cfg OpenConfig) (Store, error) {
	return OpenPostgres(ctx, PostgresConfig{Conn: u.Postgres, ConnectTimeout: cfg.ConnectTimeout, CreateSchemas: cfg.CreateSchemas, Options: cfg.Options, OnWait: cfg.OnWait})
}

func (postgresBackend) Admin(u dburl.URL, cfg AdminConfig) Admin {
	return postgresAdmin{conn: u.Postgres, timeout: cfg.ConnectTimeout, onWait: cfg.OnWait}
}
