package store

import (
	"context"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
)

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

// Open opens the store for u.
func Open(ctx context.Context, u dburl.URL, cfg OpenConfig) (Store, error) {
	switch u.Kind {
	case dburl.SQLite:
		return OpenSQLite(ctx, SQLiteConfig{URL: u.SQLite, Options: cfg.Options})
	case dburl.Postgres:
		return OpenPostgres(ctx, PostgresConfig{URL: u.Conn, ConnectTimeout: cfg.ConnectTimeout, CreateSchemas: cfg.CreateSchemas, Options: cfg.Options, OnWait: cfg.OnWait})
	}
	return nil, dburl.ErrUnsupportedScheme
}
