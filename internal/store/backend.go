package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
)

// Backend is one database engine: it opens the ledger store of a database
// and administers databases (create, exists, drop). The CLI, prepare and
// dbprep vet reach an engine only through For, Open and NewAdmin.
//
// To add an engine (say MySQL, which sqlx also supports), add a file of its
// name in each of these places, and an entry in the table each names:
//
//  1. internal/engine/engine.go: the Engine constant, its String, and All.
//  2. internal/dburl: Parse's case for its URL scheme (dburl.go) and a
//     <engine>.go for its URLs, by sqlx's rules (its connect options'
//     from_str).
//  3. internal/ledger/<engine>.go: its Dialect (the ledger DDL byte for
//     byte sqlx's migrate/<engine>.rs, placeholders, BEGIN, the lock, the
//     catalog lookup, and the database/sql driver names and DSN that
//     sqlxmigrate uses), in dialect.go's table. SQLStore, which applies
//     and reverts, is written once for every dialect.
//  4. internal/store/<engine>.go: the Store: open a *sql.Conn with the
//     engine's driver and embed ledger.OnConn's SQLStore, whose options
//     take the engine's error handling: Describe (a migration's own error:
//     line, column, ErrInTransaction) and Classify (every error: ErrNoSpace,
//     ErrReadOnly; see errors.go, and *ConnectError's kinds).
//  5. internal/store/<engine>_admin.go: its Admin, and its Backend entry in
//     backends below; or, for an engine whose driver is heavy, a package
//     internal/store/<engine> holding 4, 5 and 7 (store.go, admin.go,
//     schema.go) whose init calls Register, as PostgreSQL's does, and an
//     import in cmd/dbprep and cmd/dbprep-vet.
//  6. internal/querycheck/<engine>.go: how dbprep vet prepares a query and
//     reads its parameters and columns, in querycheck.go's engines.
//  7. internal/store/schema_<engine>.go: DumpSchema (Dumper), for
//     `dbprep schema`; optional.
//  8. internal/store/<engine>_test.go: run storetest.Run, the suite every
//     store passes, on a real server.
//
// internal/engine's TestEveryEngineHasEveryPart fails while an engine in
// engine.All lacks any of 1–6.
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

// backends are the engines' backends. SQLite's is always here; another
// engine's package adds its own with Register when it is linked into the
// program (internal/store/postgres, which both programs' mains import).
var backends = map[engine.Engine]Backend{
	engine.SQLite: sqliteBackend{},
}

// Register makes b the backend of e. It is called from package init; a
// second backend for one engine panics.
func Register(e engine.Engine, b Backend) {
	if _, ok := backends[e]; ok {
		panic(fmt.Sprintf("store: a second backend for %v", e))
	}
	backends[e] = b
}

// NotLinkedError is an engine dbprep supports whose backend this program
// does not link (see backends).
type NotLinkedError struct{ Engine engine.Engine }

func (e *NotLinkedError) Error() string {
	return fmt.Sprintf("this program does not link dbprep's %v backend (internal/store/%v)", e.Engine, e.Engine)
}

// For is the backend of u's engine (dburl.Parse has named it).
func For(u dburl.URL) (Backend, error) {
	b, ok := backends[u.Engine]
	switch {
	case ok:
		return b, nil
	case slices.Contains(engine.All(), u.Engine):
		return nil, &NotLinkedError{Engine: u.Engine}
	}
	return nil, fmt.Errorf("%w %v: dbprep supports %s URLs", dburl.ErrUnsupportedScheme, u.Engine, dburl.Schemes)
}

// Supports reports whether e has a backend in this program.
func Supports(e engine.Engine) bool { _, ok := backends[e]; return ok }

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
