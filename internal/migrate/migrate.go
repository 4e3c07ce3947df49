// Package migrate plans, applies and reverts migrations against a store and
// reports their status, following sqlx-cli's `migrate run`, `migrate revert`
// and `migrate info` step by step (docs/sqlx-compat.md §5).
package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
)

// Migrator applies Migrations to Store.
type Migrator struct {
	Store      ledger.Store
	Migrations []migration.Migration
	// NoLock skips the store's migration lock (for CockroachDB or PgBouncer
	// in transaction mode).
	NoLock bool
	// Progress, when set, is told of each migration as it is handled.
	Progress func(Event)
	// ledgerNew is set by begin when this run created the ledger table.
	ledgerNew bool
}

// Action says what happened to one migration. The values are neutral; the
// command line prints them in sqlx-cli's words.
type Action int

const (
	// Applied: the migration ran, and its row was recorded.
	Applied Action = iota + 1
	// Reverted: its down migration ran, and its row was deleted.
	Reverted
	// WouldRun: a dry run would run (or revert) it.
	WouldRun
	// Skipped: passed over, being beyond the target version.
	Skipped
	// AlreadyApplied: another process applied it first (checked, not run).
	AlreadyApplied
	// AlreadyReverted: another process reverted it first.
	AlreadyReverted
	// Recorded: recorded as applied without running it (skip).
	Recorded
)

var actionNames = map[Action]string{
	Applied: "applied", Reverted: "reverted", WouldRun: "would run", Skipped: "skipped",
	AlreadyApplied: "already applied", AlreadyReverted: "already reverted", Recorded: "recorded",
}

func (a Action) String() string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

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
	// Skip records pending migrations as applied without running them
	// (sqlx 0.9's `migrate override skip`, Migrator::skip).
	Skip bool
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
	if e.Action == Applied || e.Action == Reverted || e.Action == Recorded {
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
	applied, latest, err := m.readLedger(ctx, ignoreMissing)
	return applied, latest, release, err
}

// readLedger validates the ledger, dirty then missing, and returns the
// applied checksums by version and the latest applied version.
func (m *Migrator) readLedger(ctx context.Context, ignoreMissing bool) (map[int64][]byte, int64, error) {
	if v, ok, err := m.Store.Dirty(ctx); err != nil {
		return nil, 0, err
	} else if ok {
		return nil, 0, &Error{Kind: ErrDirty, Version: v, Table: m.table()}
	}
	rows, err := m.Store.Applied(ctx)
	if err != nil {
		return nil, 0, err
	}
	applied := make(map[int64][]byte, len(rows))
	known := make(map[int64]bool, len(m.Migrations))
	for i := range m.Migrations {
		known[m.Migrations[i].Version] = true
	}
	var latest int64
	for i, r := range rows {
		if !ignoreMissing && !known[r.Version] {
			return nil, 0, &Error{Kind: ErrVersionMissing, Version: r.Version}
		}
		applied[r.Version] = r.Checksum
		if i == 0 || r.Version > latest {
			latest = r.Version
		}
	}
	return applied, latest, nil
}

func (m *Migrator) table() string { return m.Store.Table() }

// maxReplans bounds how often one run or revert plans again because other
// processes changed the ledger under it; each time, another process made
// progress, so this is reached only by a store that always says "changed".
var maxReplans = 10000

// errReplans is returned when maxReplans is reached.
var errReplans = errors.New("the ledger kept changing under this run (other processes migrating the same database); run again")

// plan is the ledger as a plan sees it: the applied checksums by version,
// and the applied versions in order, for guards.
type plan struct {
	applied  map[int64][]byte
	versions []int64
}

func newPlan(applied map[int64][]byte) *plan {
	p := &plan{applied: applied}
	for v := range applied {
		p.versions = append(p.versions, v)
	}
	slices.Sort(p.versions)
	return p
}

// guard is what the plan assumes around v.
func (p *plan) guard(v int64) *ledger.Guard {
	below, found := slices.BinarySearch(p.versions, v)
	above := len(p.versions) - below
	if found {
		above--
	}
	return &ledger.Guard{Below: below, Above: above}
}

func (p *plan) add(v int64, sum []byte) {
	p.applied[v] = sum
	if i, found := slices.BinarySearch(p.versions, v); !found {
		p.versions = slices.Insert(p.versions, i, v)
	}
}

func (p *plan) remove(v int64) {
	delete(p.applied, v)
	if i, found := slices.BinarySearch(p.versions, v); found {
		p.versions = slices.Delete(p.versions, i, i+1)
	}
}

// replan reads the ledger again after another process changed it.
func (m *Migrator) replan(ctx context.Context, ignoreMissing bool) (*plan, error) {
	applied, _, err := m.readLedger(ctx, ignoreMissing)
	if err != nil {
		return nil, err
	}
	return newPlan(applied), nil
}

// Run applies every pending migration in version order, as `sqlx migrate
// run` does, but under the store's lock unless NoLock. Each migration is
// applied only if the ledger around it is still what the plan saw, checked
// inside its transaction; when another process changed it, the run reads
// the ledger again and goes on from there. It stops at the first error;
// migrations applied before it stay applied.
func (m *Migrator) Run(ctx context.Context, opts Options) (Result, error) {
	var res Result
	if err := migration.CheckDuplicates(m.Migrations); err != nil {
		return res, err
	}
	if opts.Target != nil && !m.versionExists(*opts.Target) {
		return res, &Error{Kind: ErrVersionNotPresent, Version: *opts.Target}
	}
	if m.upToDate(ctx, opts) {
		return res, nil
	}
	applied, latest, release, err := m.begin(ctx, opts.IgnoreMissing)
	defer release()
	if err != nil {
		return res, err
	}
	if opts.Target != nil && *opts.Target < latest {
		return res, &Error{Kind: ErrVersionTooOld, Version: *opts.Target, Latest: latest}
	}
	err = m.untilSettled(ctx, opts.IgnoreMissing, newPlan(applied), func(p *plan) (bool, error) {
		return m.runPlan(ctx, opts, p, &res)
	})
	return res, err
}

// upToDate reads the ledger in one query, without the lock, when the store
// can (ledger.LedgerReader), and is true when the run has nothing to do and
// nothing to say: no dirty row, no applied version without its file (unless
// ignored), every migration applied with its file's checksum, the target
// not below the latest. Anything else, an error included, and the run
// starts over under the lock, where it is told as the locked path tells it.
// The answer is the ledger at one moment: what another process may be
// applying is not in it yet, which is the ledger this run would have seen
// had it taken the lock first.
func (m *Migrator) upToDate(ctx context.Context, opts Options) bool {
	sn, ok := m.Store.(ledger.LedgerReader)
	if !ok {
		return false
	}
	snap, err := sn.ReadLedger(ctx)
	if err != nil || snap.HasDirty {
		return false
	}
	st := m.compare(Status{}, snap.Rows)
	if st.Count(Pending)+st.Count(Modified) > 0 || !opts.IgnoreMissing && st.Count(Missing) > 0 {
		return false
	}
	// The rows are in version order: the last is the latest.
	return opts.Target == nil || len(snap.Rows) == 0 || snap.Rows[len(snap.Rows)-1].Version <= *opts.Target
}

// untilSettled carries out plan p with step, and while step says the
// ledger changed under it, reads the ledger again and carries out the new
// plan (at most maxReplans times).
func (m *Migrator) untilSettled(ctx context.Context, ignoreMissing bool, p *plan, step func(*plan) (again bool, err error)) error {
	for replans := 0; ; replans++ {
		if replans > maxReplans {
			return errReplans
		}
		again, err := step(p)
		if err != nil || !again {
			return err
		}
		if p, err = m.replan(ctx, ignoreMissing); err != nil {
			return err
		}
	}
}

// runPlan applies what p says is pending. again is true when the ledger
// changed under it and the rest must be planned again.
func (m *Migrator) runPlan(ctx context.Context, opts Options, p *plan, res *Result) (again bool, err error) {
	if err := m.precheck(ctx, opts, p); err != nil {
		return false, err
	}
	for i := range m.Migrations {
		mig := &m.Migrations[i]
		if mig.Type.IsDown() {
			continue
		}
		if sum, ok := p.applied[mig.Version]; ok {
			if string(sum) != string(mig.Checksum) {
				return false, &Error{Kind: ErrVersionMismatch, Version: mig.Version}
			}
			continue
		}
		switch {
		case opts.Target != nil && mig.Version > *opts.Target:
			m.emit(res, Event{Action: Skipped, Migration: mig})
			continue
		case opts.DryRun:
			m.emit(res, Event{Action: WouldRun, Migration: mig})
			continue
		}
		action, elapsed := Applied, time.Duration(0)
		if opts.Skip {
			action, err = Recorded, m.Store.Skip(ctx, mig, p.guard(mig.Version))
		} else {
			elapsed, err = m.Store.Apply(ctx, mig, p.guard(mig.Version))
		}
		switch {
		case errors.Is(err, ledger.ErrAlreadyApplied):
			// Another process applied it since we planned: trust it only
			// if it applied the same file.
			if err := m.verifyApplied(ctx, mig); err != nil {
				return false, err
			}
			m.emit(res, Event{Action: AlreadyApplied, Migration: mig})
			return true, nil
		case errors.Is(err, ledger.ErrLedgerChanged):
			return true, nil
		}
		var ee *ledger.ExecError
		if err != nil && m.ledgerNew && res.Done == 0 && errors.As(err, &ee) && !ee.NoTx {
			// The first migration failed on a ledger this run created:
			// most often the schema is there and the ledger is not (a
			// table-name changed in sqlx.toml, another tool's database).
			return false, &NewLedgerError{Table: m.table(), Err: err}
		}
		if err != nil {
			return false, err
		}
		p.add(mig.Version, mig.Checksum)
		m.emit(res, Event{Action: action, Migration: mig, Elapsed: elapsed})
	}
	return false, nil
}

// Revert reverts, as `sqlx migrate revert` does: without a target the latest
// applied migration that has a down file; with one, every applied down
// migration above it (0 reverts everything). Checksums are not checked.
// As Run does, it reverts a migration only while the ledger is what its
// plan saw, and plans again when another process changed it: "the latest"
// is the latest when the revert commits.
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
	err = m.untilSettled(ctx, opts.IgnoreMissing, newPlan(applied), func(p *plan) (bool, error) {
		res.NoDown = nil
		return m.revertPlan(ctx, opts, p, &res)
	})
	return res, err
}

// revertPlan reverts what p says is applied, newest first; again is true
// when the ledger changed under it.
func (m *Migrator) revertPlan(ctx context.Context, opts Options, p *plan, res *Result) (again bool, err error) {
	for i := len(m.Migrations) - 1; i >= 0; i-- {
		mig := &m.Migrations[i]
		if _, ok := p.applied[mig.Version]; !ok {
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
			m.emit(res, Event{Action: Skipped, Migration: mig})
		case opts.DryRun:
			m.emit(res, Event{Action: WouldRun, Migration: mig})
		default:
			elapsed, err := m.Store.Revert(ctx, mig, p.guard(mig.Version))
			switch {
			case errors.Is(err, ledger.ErrNotApplied) && opts.Target != nil:
				m.emit(res, Event{Action: AlreadyReverted, Migration: mig})
				return true, nil
			case errors.Is(err, ledger.ErrNotApplied), errors.Is(err, ledger.ErrLedgerChanged):
				return true, nil
			case err != nil:
				return false, err
			}
			p.remove(mig.Version)
			m.emit(res, Event{Action: Reverted, Migration: mig, Elapsed: elapsed})
		}
		if opts.Target == nil {
			break
		}
	}
	return false, nil
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
