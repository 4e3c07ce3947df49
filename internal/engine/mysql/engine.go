// Package mysql is everything dbprep does on MySQL and MariaDB through a
// driver (go-sql-driver/mysql): the ledger store, creating and dropping
// databases, the schema dump and dbprep vet's query checker. It exports
// one value, Engine, which each program's main passes to the command line
// (see internal/engines).
package mysql

import (
	"context"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/store"
)

// Engine is MySQL and MariaDB, for a program's list of engines.
var Engine mysqlEngine

// mysqlEngine is MySQL's engines.Engine.
type mysqlEngine struct{}

// Name is engine.MySQL.
func (mysqlEngine) Name() engine.Engine { return engine.MySQL }

// Open opens the store of the database at u.
func (mysqlEngine) Open(ctx context.Context, u dburl.URL, cfg store.OpenConfig) (store.Store, error) {
	return Open(ctx, Config{Conn: u.MySQL, ConnectTimeout: cfg.ConnectTimeout, CreateSchemas: cfg.CreateSchemas, Options: cfg.Options, OnWait: cfg.OnWait})
}

// Admin administers the database at u.
func (mysqlEngine) Admin(u dburl.URL, cfg store.AdminConfig) store.Admin {
	return admin{conn: u.MySQL, timeout: cfg.ConnectTimeout, onWait: cfg.OnWait}
}
