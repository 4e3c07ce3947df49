package effect

import (
	"cmp"
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
	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/lint"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// Config is one check of what the migrations new since a release do to
// the schema it released.
type Config struct {
	// Engines are the program's engines, Scratch's among them.
	Engines engines.Set
	// Scratch is where to apply them: a PostgreSQL or MySQL server's URL,
	// on which a throwaway database is created and dropped; a SQLite URL (any: its
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
	if !server(cfg.Scratch.Engine) {
		if err := notPostgres(cfg); err != nil {
			return nil, err
		}
	}
	u, cleanup, err := scratch(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	st, err := cfg.Engines.Open(ctx, u, store.OpenConfig{Options: store.Options{Table: cfg.Table, SQLiteNoTx: true}, ConnectTimeout: cfg.ConnectTimeout})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	db, err := open(u)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	r := &run{cfg: cfg, u: u, st: st, db: db, table: cmp.Or(cfg.Table, "_sqlx_migrations"), released: map[int64]bool{}}
	for _, m := range cfg.Released {
		r.released[m.Version] = true
		r.applied = append(r.applied, m)
	}
	if _, err := (&migrate.Migrator{Store: st, Migrations: r.applied}).Run(ctx, migrate.Options{}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotApplicable, err)
	}
	if r.base, err = read(ctx, db, u.Engine, r.table); err != nil {
		return nil, err
	}
	before := r.base
	var out []lint.Finding
	for _, m := range cfg.Current {
		if r.released[m.Version] {
			continue
		}
		found, after, stop, err := r.step(ctx, m, before)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
		if stop {
			break
		}
		before = after
	}
	return out, nil
}

// notPostgres is ErrNotApplicable when a migration has PostgreSQL's own
// syntax (postgresOnly): the default SQLite scratch file cannot judge it.
func notPostgres(cfg Config) error {
	for _, m := range append(slices.Clone(cfg.Released), cfg.Current...) {
		sql, err := m.Load()
		if err != nil {
			return err
		}
		if w := postgresOnly(sql); w != "" {
			return fmt.Errorf("%w: %s is PostgreSQL's (%s)", ErrNotApplicable, m.File, w)
		}
	}
	return nil
}

// run is one Check under way: the scratch database holding the release
// and the new migrations applied so far.
type run struct {
	cfg      Config
	u        dburl.URL
	st       store.Store
	db       *sql.DB
	table    string
	released map[int64]bool
	applied  []migration.Migration
	base     Catalog
}

// step applies the new migration m to the scratch database, whose
// catalog was before, and reports what it did to the release (diff, and
// on PostgreSQL locks) and the catalog after it; stop when m failed.
func (r *run) step(ctx context.Context, m migration.Migration, before Catalog) (found []lint.Finding, after Catalog, stop bool, err error) {
	r.applied = append(r.applied, m)
	if m.Type.IsDown() {
		return nil, before, false, nil
	}
	if r.u.Engine == engine.Postgres {
		sql, err := m.Load()
		if err != nil {
			return nil, nil, false, err
		}
		found = locks(r.base, sql, m.File)
	}
	if _, err := (&migrate.Migrator{Store: r.st, Migrations: r.applied}).Run(ctx, migrate.Options{}); err != nil {
		var ee *ledger.ExecError
		if !errors.As(err, &ee) {
			return nil, nil, false, err
		}
		return append(found, r.failed(m, ee)), nil, true, nil
	}
	if after, err = read(ctx, r.db, r.u.Engine, r.table); err != nil {
		return nil, nil, false, err
	}
	for _, f := range diff(r.base, before, after, m.File, r.u.Engine) {
		found = append(found, lint.Allow(f))
	}
	return found, after, false, nil
}

// failed is the finding of a new migration that failed on the release.
func (r *run) failed(m migration.Migration, ee *ledger.ExecError) lint.Finding {
	f := lint.Finding{File: m.File, Line: 1, Severity: lint.Error, Rule: "fails-on-release",
		Message: fmt.Sprintf("migration %d fails on a database holding the release: %v", m.Version, ee.Err)}
	if r.u.Engine == engine.SQLite && r.cfg.Scratch.Engine != engine.SQLite {
		// SQLite was not asked for: the migrations may be another
		// engine's that SQLite happened to take until now.
		f.Severity = lint.Warning
		f.Message = fmt.Sprintf("migration %d fails on SQLite, the default scratch engine, after the release: %v; "+
			"on a SQLite project it fails on release too; for another engine's migrations give --scratch-url", m.Version, ee.Err)
	}
	return lint.Allow(f)
}

// server says whether the scratch engine is a server's (PostgreSQL,
// MySQL), on which a throwaway database is made, rather than a SQLite file.
func server(e engine.Engine) bool { return e == engine.Postgres || e == engine.MySQL }

// scratch makes the throwaway database and says how to remove it.
func scratch(ctx context.Context, cfg Config) (dburl.URL, func(), error) {
	if !server(cfg.Scratch.Engine) {
		dir, err := os.MkdirTemp("", "dbprep-lint-")
		if err != nil {
			return dburl.URL{}, nil, err
		}
		u := dburl.URL{Engine: engine.SQLite, SQLite: dburl.SQLiteOptions{Path: filepath.Join(dir, "scratch.db"), Mode: "rwc"}}
		return u, func() { os.RemoveAll(dir) }, nil
	}
	u := cfg.Scratch
	name := fmt.Sprintf("dbprep_lint_%d_%d", os.Getpid(), time.Now().UnixNano())
	if u.Engine == engine.MySQL {
		u.MySQL.Database = name
	} else {
		u.Postgres.Database = name
	}
	admin, err := cfg.Engines.Admin(u, store.AdminConfig{ConnectTimeout: cfg.ConnectTimeout})
	if err != nil {
		return dburl.URL{}, nil, err
	}
	if err := admin.Create(ctx); err != nil {
		return dburl.URL{}, nil, fmt.Errorf("creating a throwaway database on the scratch server: %w", err)
	}
	// Forced on PostgreSQL, against a connection left behind; MySQL has
	// no forced drop (as sqlx-cli, dbprep refuses --force there), and
	// needs none: DROP DATABASE waits for the connections' locks.
	force := u.Engine == engine.Postgres
	return u, func() { admin.Drop(context.WithoutCancel(ctx), force) }, nil
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
