package store

import (
	"context"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
)

// Backend is what an engine's package (internal/engine/<engine>) gives
// the rest of dbprep to reach a database: its ledger store, and creating
// and dropping it. A program reaches an engine only through the list of
// engines its main passes on (internal/engines); this package links no
// driver.
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
