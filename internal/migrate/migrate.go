// Package migrate plans, applies and reverts migrations against a store and
// reports their status, following sqlx-cli's `migrate run`, `migrate revert`
// and `migrate info` step by step (docs/sqlx-compat.md §5).
package migrate

import (
	"context"
	"errors"
	"time"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
)

// Migrator applies Migrations to Store.
type Migrator struct {
	Store      ledger.Store
	Migrations []migration.Migration
	// Table is the ledger's name, for messages.
	Table string
	// NoLock skips the store's migration lock (for CockroachDB or PgBouncer
	// in transaction mode).
	NoLock bool
	// Progress, when set, is told of each migration as it is handled.
	Progress func(Event)
	// ledgerNew is set by begin when this run created the ledger table.
	ledgerNew bool
}

// Action says what happened to one migration.
type Action string

const (
	Applied        Action = "Applied"
	CanApply       Action = "Can apply"
	Skipped        Action = "Skipped"
	AlreadyApplied Action = "Already applied"
	// AlreadyReverted is a revert another process did first.
	AlreadyReverted Action = "Already reverted"
)

// Event is one line of progress.
type Event struct {
	Action    Action
	Migration *migration.Migration
	Elapsed   time.Duration
}

// Options are the flags of run and revert.
type Options struct {
	DryRun        bool
	IgnoreMissing bool
	// Target is --target-version; nil means none.
	Target *int64
}

// Result counts what a run or revert did.
type Result struct {
	// Done is how many migrations were applied (or reverted).
	Done int
	// Events lists every migration handled, in order.
	Events []Event
	// NoDown lists, for a revert, the applied versions it passed over
	// because they have no down file (newest first): they stay applied.
	NoDown []int64
	// Applied is, for a revert, how many migrations the ledger held
	// applied when it began.
	Applied int
}

func (m *Migrator) emit(res *Result, e Event) {
	res.Events = append(res.Events, e)
	if e.Action == Applied {
		res.Done++
	}
	if m.Progress != nil {
		m.Progress(e)
	}
}

func (m *Migrator) versionExists(v int64) bool {
	for i := range m.Migrations {
		if m.Migrations[i].Version == v {
			return true
		}
	}
	return false
}

// begin takes the lock and validates the ledger: dirty, then missing. It
// returns the applied checksums by version, the latest applied version, and
// a release function to call on every path.
func (m *Migrator) begin(ctx context.Context, ignoreMissing bool) (map[int64][]byte, int64, func(), error) {
	release := func() {}
	if !m.NoLock {
		if err := m.Store.Lock(ctx); err != nil {
			return nil, 0, release, err
		}
		release = func() { _ = m.Store.Unlock(context.WithoutCancel(ctx)) }
	}
	had, err := m.Store.HasLedger(ctx)
	if err != nil {
		return nil, 0, release, err
	}
	m.ledgerNew = !had
	if err := m.Store.EnsureLedger(ctx); err != nil {
		return nil, 0, release, err
	}
	if v, ok, err := m.Store.Dirty(ctx); err != nil {
		return nil, 0, release, err
	} else if ok {
		return nil, 0, release, &Error{Kind: ErrDirty, Version: v, Table: m.table()}
	}
	rows, err := m.Store.Applied(ctx)
	if err != nil {
		return nil, 0, release, err
	}
	applied := make(map[int64][]byte, len(rows))
	known := make(map[int64]bool, len(m.Migrations))
	for i := range m.Migrations {
		known[m.Migrations[i].Version] = true
	}
	var latest int64
	for i, r := range rows {
		if !ignoreMissing && !known[r.Version] {
			return nil, 0, release, &Error{Kind: ErrVersionMissing, Version: r.Version}
		}
		applied[r.Version] = r.Checksum
		if i == 0 || r.Version > latest {
			latest = r.Version
		}
	}
	return applied, latest, release, nil
}

func (m *Migrator) table() string {
	if m.Table == "" {
		return ledger.DefaultTable
	}
	return m.Table
}

// Run applies every pending migration in version order, as `sqlx migrate
// run` does, but under the store's lock unless NoLock. It stops at the first
// error; migrations applied before it stay applied.
func (m *Migrator) Run(ctx context.Context, opts Options) (Result, error) {
	var res Result
	if err := migration.CheckDuplicates(m.Migrations); err != nil {
		return res, err
	}
	if opts.Target != nil && !m.versionExists(*opts.Target) {
		return res, &Error{Kind: ErrVersionNotPresent, Version: *opts.Target}
	}
	applied, latest, release, err := m.begin(ctx, opts.IgnoreMissing)
	defer release()
	if err != nil {
		return res, err
	}
	if opts.Target != nil && *opts.Target < latest {
		return res, &Error{Kind: ErrVersionTooOld, Version: *opts.Target, Latest: latest}
	}
	for i := range m.Migrations {
		mig := &m.Migrations[i]
		if mig.Type.IsDown() {
			continue
		}
		if sum, ok := applied[mig.Version]; ok {
			if string(sum) != string(mig.Checksum) {
				return res, &Error{Kind: ErrVersionMismatch, Version: mig.Version}
			}
			continue
		}
		switch {
		case opts.Target != nil && mig.Version > *opts.Target:
			m.emit(&res, Event{Action: Skipped, Migration: mig})
		case opts.DryRun:
			m.emit(&res, Event{Action: CanApply, Migration: mig})
		default:
			elapsed, err := m.Store.Apply(ctx, mig)
			if errors.Is(err, ledger.ErrAlreadyApplied) {
				// Another process applied it since we planned: trust it only
				// if it applied the same file.
				if err := m.verifyApplied(ctx, mig); err != nil {
					return res, err
				}
				m.emit(&res, Event{Action: AlreadyApplied, Migration: mig})
				continue
			}
			var ee *ledger.ExecError
			if err != nil && m.ledgerNew && res.Done == 0 && errors.As(err, &ee) && !ee.NoTx {
				// The first migration failed on a ledger this run created:
				// most often the schema is there and the ledger is not (a
				// table-name changed in sqlx.toml, another tool's database).
				return res, &NewLedgerError{Table: m.table(), Err: err}
			}
			if err != nil {
				return res, err
			}
			m.emit(&res, Event{Action: Applied, Migration: mig, Elapsed: elapsed})
		}
	}
	return res, nil
}

// Revert reverts, as `sqlx migrate revert` does: without a target the latest
// applied migration that has a down file; with one, every applied down
// migration above it (0 reverts everything). Checksums are not checked.
func (m *Migrator) Revert(ctx context.Context, opts Options) (Result, error) {
	var res Result
	if err := migration.CheckDuplicates(m.Migrations); err != nil {
		return res, err
	}
	if opts.Target != nil && *opts.Target != 0 && !m.versionExists(*opts.Target) {
		return res, &Error{Kind: ErrVersionNotPresent, Version: *opts.Target}
	}
	applied, latest, release, err := m.begin(ctx, opts.IgnoreMissing)
	defer release()
	if err != nil {
		return res, err
	}
	res.Applied = len(applied)
	if opts.Target != nil && *opts.Target > latest {
		return res, &Error{Kind: ErrVersionTooNew, Version: *opts.Target, Latest: latest}
	}
	for i := len(m.Migrations) - 1; i >= 0; i-- {
		mig := &m.Migrations[i]
		if _, ok := applied[mig.Version]; !ok {
			continue
		}
		if !mig.Type.IsDown() {
			if !m.hasDown(mig.Version) && (opts.Target == nil || mig.Version > *opts.Target) {
				res.NoDown = append(res.NoDown, mig.Version)
			}
			continue
		}
		switch {
		case opts.Target != nil && mig.Version <= *opts.Target:
			m.emit(&res, Event{Action: Skipped, Migration: mig})
		case opts.DryRun:
			m.emit(&res, Event{Action: CanApply, Migration: mig})
		default:
			elapsed, err := m.Store.Revert(ctx, mig)
			if errors.Is(err, ledger.ErrNotApplied) {
				m.emit(&res, Event{Action: AlreadyReverted, Migration: mig})
				continue
			}
			if err != nil {
				return res, err
			}
			m.emit(&res, Event{Action: Applied, Migration: mig, Elapsed: elapsed})
		}
		if opts.Target == nil {
			break
		}
	}
	return res, nil
}

func (m *Migrator) hasDown(v int64) bool {
	for i := range m.Migrations {
		if m.Migrations[i].Version == v && m.Migrations[i].Type.IsDown() {
			return true
		}
	}
	return false
}

// verifyApplied checks that the ledger's row for mig has mig's checksum.
func (m *Migrator) verifyApplied(ctx context.Context, mig *migration.Migration) error {
	rows, err := m.Store.Applied(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Version == mig.Version && string(r.Checksum) != string(mig.Checksum) {
			return &Error{Kind: ErrVersionMismatch, Version: mig.Version}
		}
	}
	return nil
}
