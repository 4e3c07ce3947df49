package effect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/lint"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// Config is one check of what the migrations new since a release do to
// the schema it released.
type Config struct {
	// Scratch is where to apply them: a PostgreSQL server's URL, on which
	// a throwaway database is created and dropped; a SQLite URL (any: its
	// file is not used) is a throwaway SQLite file, asked for; the zero
	// URL is one too, by default, where a failing migration is a warning
	// (it may be another engine's).
	Scratch dburl.URL
	// Table is the ledger table.
	Table string
	// Released are the release's migrations; Current the directory's now.
	Released, Current []migration.Migration
	// ConnectTimeout bounds waiting for the server.
	ConnectTimeout time.Duration
}

// ErrNotApplicable says the release's migrations do not apply on the
// scratch engine (written for another one): no effect rule ran.
var ErrNotApplicable = errors.New("the release's migrations do not apply on this engine")

// Check applies the released migrations to a throwaway database, then
// each migration of Current that the release lacks (and only those), one
// by one, and reports what each did to the released tables and columns
// (diff). A new migration that fails there is an error finding, and the
// check stops. Errors: ErrNotApplicable (wrapping the engine's error)
// when a released migration fails, else what the scratch database said.
func Check(ctx context.Context, cfg Config) ([]lint.Finding, error) {
	if cfg.Scratch.Engine != engine.Postgres {
		for _, m := range append(slices.Clone(cfg.Released), cfg.Current...) {
			sql, err := m.Load()
			if err != nil {
				return nil, err
			}
			if w := postgresOnly(sql); w != "" {
				return nil, fmt.Errorf("%w: %s is PostgreSQL's (%s)", ErrNotApplicable, m.File, w)
			}
		}
	}
	u, cleanup, err := scratch(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	st, err := store.Open(ctx, u, store.OpenConfig{Options: store.Options{Table: cfg.Table, SQLiteNoTx: true}, ConnectTimeout: cfg.ConnectTimeout})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	db, err := open(u)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	released := map[int64]bool{}
	var applied []migration.Migration
	for _, m := range cfg.Released {
		released[m.Version] = true
		applied = append(applied, m)
	}
	if _, err := (&migrate.Migrator{Store: st, Migrations: applied}).Run(ctx, migrate.Options{}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotApplicable, err)
	}
	table := cfg.Table
	if table == "" {
		table = "_sqlx_migrations"
	}
	base, err := read(ctx, db, u.Engine, table)
	if err != nil {
		return nil, err
	}
	var out []lint.Finding
	before := base
	for _, m := range cfg.Current {
		if released[m.Version] {
			continue
		}
		applied = append(applied, m)
		if m.Type.IsDown() {
			continue
		}
		if u.Engine == engine.Postgres {
			sql, err := m.Load()
			if err != nil {
				return nil, err
			}
			out = append(out, locks(base, sql, m.File)...)
		}
		if _, err := (&migrate.Migrator{Store: st, Migrations: applied}).Run(ctx, migrate.Options{}); err != nil {
			var ee *ledger.ExecError
			if !errors.As(err, &ee) {
				return nil, err
			}
			f := lint.Finding{File: m.File, Line: 1, Severity: lint.Error, Rule: "fails-on-release",
				Message: fmt.Sprintf("migration %d fails on a database holding the release: %v", m.Version, ee.Err)}
			if u.Engine == engine.SQLite && cfg.Scratch.Engine != engine.SQLite {
				// SQLite was not asked for: the migrations may be another
				// engine's that SQLite happened to take until now.
				f.Severity = lint.Warning
				f.Message = fmt.Sprintf("migration %d fails on SQLite, the default scratch engine, after the release: %v; "+
					"on a SQLite project it fails on release too; for another engine's migrations give --scratch-url", m.Version, ee.Err)
			}
			out = append(out, lint.Allow(f))
			break
		}
		after, err := read(ctx, db, u.Engine, table)
		if err != nil {
			return nil, err
		}
		for _, f := range diff(base, before, after, m.File) {
			out = append(out, lint.Allow(f))
		}
		before = after
	}
	return out, nil
}

// scratch makes the throwaway database and says how to remove it.
func scratch(ctx context.Context, cfg Config) (dburl.URL, func(), error) {
	if cfg.Scratch.Engine != engine.Postgres {
		dir, err := os.MkdirTemp("", "dbprep-lint-")
		if err != nil {
			return dburl.URL{}, nil, err
		}
		u := dburl.URL{Engine: engine.SQLite, SQLite: dburl.SQLiteOptions{Path: filepath.Join(dir, "scratch.db"), Mode: "rwc"}}
		return u, func() { os.RemoveAll(dir) }, nil
	}
	u := cfg.Scratch
	u.Postgres.Database = fmt.Sprintf("dbprep_lint_%d_%d", os.Getpid(), time.Now().UnixNano())
	admin, err := store.NewAdmin(u, store.AdminConfig{ConnectTimeout: cfg.ConnectTimeout})
	if err != nil {
		return dburl.URL{}, nil, err
	}
	if err := admin.Create(ctx); err != nil {
		return dburl.URL{}, nil, fmt.Errorf("creating a throwaway database on the scratch server: %w", err)
	}
	return u, func() { admin.Drop(context.WithoutCancel(ctx), true) }, nil
}

// open is a second connection to the scratch database, for the catalog.
func open(u dburl.URL) (*sql.DB, error) {
	d, err := ledger.DialectOf(u.Engine)
	if err != nil {
		return nil, err
	}
	for _, driver := range d.Drivers() {
		if slices.Contains(sql.Drivers(), driver) {
			return sql.Open(driver, d.DSN(driver, u))
		}
	}
	return nil, fmt.Errorf("no database/sql driver for %v is linked", u.Engine)
}
