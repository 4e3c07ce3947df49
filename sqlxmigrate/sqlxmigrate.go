// Package sqlxmigrate applies sqlx-style migrations from a Go program, for
// example ones embedded with //go:embed, writing the same _sqlx_migrations
// ledger as Rust's sqlx::migrate!().run() and the dbprep command.
//
//	//go:embed migrations
//	var migrations embed.FS
//
//	n, err := sqlxmigrate.Run(ctx, os.Getenv("DATABASE_URL"), migrations, "migrations", sqlxmigrate.Options{})
package sqlxmigrate

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver used by Open
	_ "modernc.org/sqlite"             // the "sqlite" driver used by Open
)

// Options change how migrations are read and recorded.
type Options struct {
	// Table is the ledger table (sqlx.toml's migrate.table-name); empty
	// means _sqlx_migrations.
	Table string
	// IgnoredChars are left out of checksums (sqlx.toml's migrate.ignored-chars).
	IgnoredChars []rune
	// CreateIfMissing creates a SQLite file that does not exist yet.
	CreateIfMissing bool
	// ConnectTimeout bounds retries while a PostgreSQL server refuses
	// connections (it is starting up); zero means 10 s.
	ConnectTimeout time.Duration
}

// Run applies the pending migrations in dir of fsys to the database at
// databaseURL (sqlite:… or postgres://…) and returns how many it applied.
// It validates the ledger as sqlx does: a dirty, edited or missing applied
// migration is an error, and a failed migration is rolled back.
func Run(ctx context.Context, databaseURL string, fsys fs.FS, dir string, opts Options) (int, error) {
	ms, err := migration.Resolve(fsys, dir, migration.Options{IgnoredChars: opts.IgnoredChars})
	if err != nil {
		return 0, err
	}
	u, err := dburl.Parse(databaseURL)
	if err != nil {
		return 0, err
	}
	var st store.Store
	if u.Kind == dburl.SQLite {
		st, err = store.OpenSQLite(ctx, store.SQLiteConfig{URL: u.SQLite, Create: opts.CreateIfMissing, Options: store.Options{Table: opts.Table}})
	} else {
		st, err = store.Open(ctx, u, store.OpenConfig{Options: store.Options{Table: opts.Table}, ConnectTimeout: opts.ConnectTimeout})
	}
	if err != nil {
		return 0, scrub(err, databaseURL)
	}
	defer st.Close()
	m := &migrate.Migrator{Store: st, Migrations: ms, Table: opts.Table}
	res, err := m.Run(ctx, migrate.Options{})
	if err != nil {
		return res.Done, scrub(err, databaseURL)
	}
	return res.Done, nil
}

// Open opens the database at a sqlx URL with database/sql: modernc.org/sqlite
// (driver "sqlite", foreign keys on, as sqlx) for sqlite: URLs, pgx (driver
// "pgx") for postgres:// URLs.
func Open(databaseURL string) (*sql.DB, error) {
	u, err := dburl.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	if u.Kind == dburl.Postgres {
		return sql.Open("pgx", u.Conn)
	}
	return sql.Open("sqlite", store.SQLiteDSN(u.SQLite, store.DefaultBusyTimeout))
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

// scrub masks the URL's password in err's message, keeping errors.Is/As.
func scrub(err error, rawURL string) error {
	return &scrubbed{msg: dburl.Scrub(err.Error(), rawURL), err: err}
}
