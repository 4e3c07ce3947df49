// Package sqlite is everything dbprep does on SQLite (modernc.org/sqlite,
// no cgo): the ledger store, creating and dropping database files, the
// snapshot prepare writes, the schema dump and dbprep vet's query checker.
// It exports one value, Engine, which each program's main passes to the
// command line (see internal/engines).
package sqlite

import (
	"context"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/store"
)

// Engine is SQLite, for a program's list of engines.
var Engine sqliteEngine

// sqliteEngine is SQLite's engines.Engine.
type sqliteEngine struct{}

// Name is engine.SQLite.
func (sqliteEngine) Name() engine.Engine { return engine.SQLite }

// Open opens the store of the database at u.
func (sqliteEngine) Open(ctx context.Context, u dburl.URL, cfg store.OpenConfig) (store.Store, error) {
	return Open(ctx, Config{URL: u.SQLite, Options: cfg.Options})
}

// Admin administers the database file at u.
func (sqliteEngine) Admin(u dburl.URL, cfg store.AdminConfig) store.Admin {
	return admin{u: u.SQLite, wal: cfg.SQLiteWAL}
}
