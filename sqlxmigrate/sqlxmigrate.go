// Package sqlxmigrate applies sqlx-style migrations from a Go program, for
// example ones embedded with //go:embed, writing the same _sqlx_migrations
// ledger as Rust's sqlx::migrate!().run() and the dbprep command.
//
// A Provider works on the *sql.DB the program already has, from any driver
// for its engine (modernc.org/sqlite or mattn/go-sqlite3; pgx's stdlib or
// lib/pq): it applies, reverts and reports, and its errors answer
// errors.Is. The package imports no database driver, so a program links
// only the one it chose.
//
//	//go:embed migrations
//	var migrations embed.FS
//
//	p, err := sqlxmigrate.New(db, sqlxmigrate.SQLite, migrations, sqlxmigrate.Options{})
//	results, err := p.Up(ctx)
//
// Run and Open are conveniences that take a sqlx database URL and use the
// driver the program registered.
package sqlxmigrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
)

// Dialect is the database engine a Provider writes for.
type Dialect = engine.Engine

// The dialects sqlx supports and dbprep writes.
const (
	SQLite   = engine.SQLite
	Postgres = engine.Postgres
	// MySQL is MySQL and MariaDB (github.com/go-sql-driver/mysql, with
	// multiStatements=true: sqlx sends a migration file as one query).
	MySQL = engine.MySQL
)

// Errors, for errors.Is. Each names the migration in its message.
var (
	// ErrModified: an applied migration's file changed since (checksum).
	ErrModified = migrate.ErrVersionMismatch
	// ErrMissing: an applied migration's file is gone from the directory.
	ErrMissing = migrate.ErrVersionMissing
	// ErrDirty: a migration failed half-way before (success = false).
	ErrDirty = migrate.ErrDirty
	// ErrDuplicate: two files claim one version.
	ErrDuplicate = migration.ErrDuplicate
	// ErrNoMigrations: the directory holds no migration.
	ErrNoMigrations = migration.ErrNoMigrations
	// ErrVersionNotPresent: a target version that no migration has.
	ErrVersionNotPresent = migrate.ErrVersionNotPresent
	// ErrVersionTooOld: UpTo a version below the latest applied one.
	ErrVersionTooOld = migrate.ErrVersionTooOld
	// ErrVersionTooNew: DownTo a version above the latest applied one.
	ErrVersionTooNew = migrate.ErrVersionTooNew
	// ErrNoNextVersion: UpByOne found no pending migration.
	ErrNoNextVersion = errors.New("no pending migration")
)

// MigrationError is a migration whose SQL failed (errors.As), the error
// the store returns, as it is. Its fields:
//
//   - Version, and File, the migration's file in the directory;
//   - Down: the failing SQL was a revert;
//   - NoTx: a "-- no-transaction" migration: what it did before the
//     failure stays, and its ledger row stays dirty (success = false), so
//     later calls return ErrDirty until it is finished or removed by hand;
//     otherwise its transaction was rolled back;
//   - Committed: MySQL committed part of it (each DDL statement commits):
//     what ran before the failing statement stays, and its row stays dirty,
//     exactly as sqlx leaves it;
//   - Table: the ledger table;
//   - Err: the driver's error. Its position in the SQL, where the driver
//     gives one, is the driver's to tell (pgconn.PgError's Position, for
//     one); this package links no driver.
//
// Error reads as sqlx's: "while executing migration 2 (2_bad.sql): …".
type MigrationError = ledger.ExecError

// PartialError is the error of a call that stopped part-way: the
// migrations it applied (or reverted) before the one that failed stay so.
// It unwraps to Err, so errors.Is and errors.As see through it.
type PartialError struct {
	// Applied are the migrations done before the failure, in order.
	Applied []Result
	// Failed is the migration that failed.
	Failed Result
	// Err is the failure, a *MigrationError.
	Err error
}

func (e *PartialError) Error() string { return e.Err.Error() }
func (e *PartialError) Unwrap() error { return e.Err }

// Logger is told of each migration as it is applied, reverted or skipped,
// as goose's Logger is; *log.Logger is one.
type Logger interface {
	Printf(format string, args ...any)
}

// Options change how migrations are read and recorded.
type Options struct {
	// Dir is the directory of the migrations in the file system; empty
	// means "migrations".
	Dir string
	// Table is the ledger table (sqlx.toml's migrate.table-name); empty
	// means _sqlx_migrations.
	Table string
	// IgnoredChars are left out of checksums (sqlx.toml's migrate.ignored-chars).
	IgnoredChars []rune
	// NoLock skips sqlx's lock (PostgreSQL's advisory lock, MySQL's GET_LOCK;
	// the --no-lock flag).
	NoLock bool
	// SQLx08 follows sqlx 0.8 (and 0.7) rather than 0.9, sqlx's stable
	// release and the default: "-- no-transaction" is then ignored on
	// SQLite, every migration running in a transaction.
	SQLx08 bool
	// CreateIfMissing creates a SQLite file that does not exist yet (Run).
	CreateIfMissing bool
	// ConnectTimeout bounds retries while a PostgreSQL server refuses
	// connections (it is starting up); zero means 10 s (Run).
	ConnectTimeout time.Duration
	// Logger, when set, is told of each migration as it is done:
	// "applied 1 users (1.2ms)", "reverted 1 users (…)", "recorded …".
	Logger Logger
}

// Provider applies, reverts and reports the migrations of one directory on
// one database. It is safe to reuse; calls take a connection from the pool
// for their duration.
type Provider struct {
	db         *sql.DB
	dialect    ledger.Dialect
	migrations []migration.Migration
	opts       Options
}

// New reads the migrations of fsys (in opts.Dir) for db, whose engine is d:
// it checks and checksums them and keeps none of their text, so fsys must
// stay readable; a migration is read again when it runs, and refused if it
// changed since New. A directory without migrations is ErrNoMigrations; two
// files with one version, ErrDuplicate.
func New(db *sql.DB, d Dialect, fsys fs.FS, opts Options) (*Provider, error) {
	if db == nil {
		return nil, errors.New("sqlxmigrate.New: nil *sql.DB")
	}
	ld, err := ledger.DialectOf(d)
	if err != nil {
		return nil, fmt.Errorf("sqlxmigrate.New: unknown dialect %v (use sqlxmigrate.SQLite, sqlxmigrate.Postgres or sqlxmigrate.MySQL)", d)
	}
	if opts.Dir == "" {
		opts.Dir = "migrations"
	}
	ms, err := migration.Resolve(fsys, opts.Dir, migration.Options{IgnoredChars: opts.IgnoredChars})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: %w", opts.Dir, ErrNoMigrations)
	}
	if err := migration.CheckDuplicates(ms); err != nil {
		return nil, err
	}
	return &Provider{db: db, dialect: ld, migrations: ms, opts: opts}, nil
}

// Result is one migration applied or reverted.
type Result struct {
	Version     int64
	Description string
	// Down is true for a revert.
	Down     bool
	Duration time.Duration
	// AlreadyDone is true when another process applied (or reverted) it
	// between planning and doing; it was checked, not run.
	AlreadyDone bool
	// Skipped is true when Skip recorded it without running it.
	Skipped bool
}

// State is a migration's state in a Status.
type State = migrate.State

// The states of a migration.
const (
	Applied  = migrate.Installed // applied, checksum as the file's
	Pending  = migrate.Pending   // not applied
	Modified = migrate.Modified  // applied, but the file changed since
	Missing  = migrate.Missing   // applied, but the file is gone
)

// Status is one migration's state.
type Status struct {
	Version     int64
	Description string
	State       State
	// File is the migration's file in the directory ("" when Missing).
	File string
}

// Up applies every pending migration in version order, under sqlx's lock
// (PostgreSQL's advisory lock, MySQL's GET_LOCK). With nothing pending it
// reads the ledger once and takes no lock. A migration that fails is rolled
// back (unless it is "-- no-transaction") and stops the run; those before it
// stay applied.
func (p *Provider) Up(ctx context.Context) ([]Result, error) {
	return p.run(ctx, func(m *migrate.Migrator) (migrate.Result, error) { return m.Run(ctx, migrate.Options{}) })
}

// UpTo applies the pending migrations up to and including version.
func (p *Provider) UpTo(ctx context.Context, version int64) ([]Result, error) {
	return p.run(ctx, func(m *migrate.Migrator) (migrate.Result, error) {
		return m.Run(ctx, migrate.Options{Target: &version})
	})
}

// Skip records every pending migration as applied without running it, as
// sqlx 0.9's `sqlx migrate override skip` and `Migrator::skip` do: with the
// same checks as Up (dirty, missing, modified), a ledger row with success
// true and execution_time -1 for each. For a database whose schema is
// already there, made by another tool or by hand.
func (p *Provider) Skip(ctx context.Context) ([]Result, error) {
	return p.run(ctx, func(m *migrate.Migrator) (migrate.Result, error) { return m.Run(ctx, migrate.Options{Skip: true}) })
}

// SkipTo is Skip for the pending migrations up to and including version.
func (p *Provider) SkipTo(ctx context.Context, version int64) ([]Result, error) {
	return p.run(ctx, func(m *migrate.Migrator) (migrate.Result, error) {
		return m.Run(ctx, migrate.Options{Skip: true, Target: &version})
	})
}

// Down reverts the latest applied migration that has a down file.
func (p *Provider) Down(ctx context.Context) ([]Result, error) {
	return p.run(ctx, func(m *migrate.Migrator) (migrate.Result, error) { return m.Revert(ctx, migrate.Options{}) })
}

// DownTo reverts every applied migration above version (0: all), newest
// first, as `sqlx migrate revert --target-version` does.
func (p *Provider) DownTo(ctx context.Context, version int64) ([]Result, error) {
	return p.run(ctx, func(m *migrate.Migrator) (migrate.Result, error) {
		return m.Revert(ctx, migrate.Options{Target: &version})
	})
}

// Status lists every migration, applied or not, and every applied version
// whose file is gone, in version order. A dirty ledger (a migration that
// failed half-way) gives the list and ErrDirty.
func (p *Provider) Status(ctx context.Context) ([]Status, error) {
	var out []Status
	err := p.with(ctx, func(m *migrate.Migrator) error {
		st, err := m.Status(ctx, false)
		for _, e := range st.Entries {
			out = append(out, Status{Version: e.Version, Description: e.Description, State: e.State, File: e.File})
		}
		if err == nil && st.Dirty != nil {
			err = &migrate.Error{Kind: migrate.ErrDirty, Version: *st.Dirty, Table: st.Table}
		}
		return err
	})
	return out, err
}

// HasPending reports whether a migration is not applied yet. A dirty
// ledger is ErrDirty; a modified or missing migration is not pending.
func (p *Provider) HasPending(ctx context.Context) (bool, error) {
	st, err := p.Status(ctx)
	if err != nil {
		return false, err
	}
	for _, s := range st {
		if s.State == Pending {
			return true, nil
		}
	}
	return false, nil
}

// Version is the latest version the ledger records (0 when none), and
// whether that row is dirty: a migration that failed half-way, or one
// that is running now ("-- no-transaction" ones are recorded as started).
func (p *Provider) Version(ctx context.Context) (version int64, dirty bool, err error) {
	err = p.with(ctx, func(m *migrate.Migrator) error {
		st, err := m.Status(ctx, false)
		if err != nil {
			return err
		}
		for _, e := range st.Entries {
			if e.State != Pending && e.Version > version {
				version = e.Version
			}
		}
		if st.Dirty != nil && *st.Dirty >= version {
			version, dirty = *st.Dirty, true
		}
		return nil
	})
	return version, dirty, err
}

// UpByOne applies the next pending migration alone: ErrNoNextVersion when
// none is pending.
func (p *Provider) UpByOne(ctx context.Context) (Result, error) {
	st, err := p.Status(ctx)
	if err != nil {
		return Result{}, err
	}
	for _, s := range st {
		if s.State != Pending {
			continue
		}
		res, err := p.UpTo(ctx, s.Version)
		for _, r := range res {
			if r.Version == s.Version {
				return r, err
			}
		}
		if err == nil {
			err = ErrNoNextVersion // another process applied it first
		}
		return Result{}, err
	}
	return Result{}, ErrNoNextVersion
}

func (p *Provider) with(ctx context.Context, fn func(*migrate.Migrator) error) error {
	st, err := ledger.NewSQL(ctx, p.db, p.dialect, ledger.SQLOptions{Table: p.opts.Table, SQLiteNoTx: !p.opts.SQLx08})
	if err != nil {
		return err
	}
	defer st.Close()
	m := &migrate.Migrator{Store: st, Migrations: p.migrations, NoLock: p.opts.NoLock}
	if p.opts.Logger != nil {
		m.Progress = func(e migrate.Event) {
			if r, ok := result(e); ok {
				p.opts.Logger.Printf("%s", r.line(e.Action))
			}
		}
	}
	return fn(m)
}

// result is the Result of an event that did (or found done) a migration.
func result(e migrate.Event) (Result, bool) {
	switch e.Action {
	case migrate.Applied, migrate.Reverted, migrate.AlreadyApplied, migrate.AlreadyReverted, migrate.Recorded:
	default:
		return Result{}, false
	}
	return Result{
		Version:     e.Migration.Version,
		Description: e.Migration.Description,
		Down:        e.Migration.Type.IsDown(),
		Duration:    e.Elapsed,
		AlreadyDone: e.Action == migrate.AlreadyApplied || e.Action == migrate.AlreadyReverted,
		Skipped:     e.Action == migrate.Recorded,
	}, true
}

// line is what the Logger is told of r: "applied 1 users (1.2ms)".
func (r Result) line(a migrate.Action) string {
	return fmt.Sprintf("%s %d %s (%v)", a, r.Version, r.Description, r.Duration)
}

func (p *Provider) run(ctx context.Context, op func(*migrate.Migrator) (migrate.Result, error)) ([]Result, error) {
	var out []Result
	err := p.with(ctx, func(m *migrate.Migrator) error {
		res, err := op(m)
		for _, e := range res.Events {
			if r, ok := result(e); ok {
				out = append(out, r)
			}
		}
		return err
	})
	var ee *MigrationError
	if errors.As(err, &ee) {
		failed := Result{Version: ee.Version, Down: ee.Down}
		for _, m := range p.migrations {
			if m.Version == ee.Version {
				failed.Description = m.Description
			}
		}
		err = &PartialError{
			Applied: out, Failed: failed,
			Err: ee,
		}
	}
	return out, err
}
