package store

import (
	"context"
	"errors"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
)

// OpenConfig is how to open a store for a URL.
type OpenConfig struct {
	Options
	// ConnectTimeout bounds connecting (retrying refused connections) on
	// servers; zero means 10 s.
	ConnectTimeout time.Duration
}

// ErrPostgresNotBuilt is returned for PostgreSQL URLs until the PostgreSQL
// store lands.
var ErrPostgresNotBuilt = errors.New("PostgreSQL support is not built yet in this version of dbprep")

// Open opens the store for u.
func Open(ctx context.Context, u dburl.URL, cfg OpenConfig) (Store, error) {
	switch u.Kind {
	case dburl.SQLite:
		return OpenSQLite(ctx, SQLiteConfig{URL: u.SQLite, Options: cfg.Options})
	case dburl.Postgres:
		return nil, ErrPostgresNotBuilt
	}
	return nil, dburl.ErrUnsupportedScheme
}
