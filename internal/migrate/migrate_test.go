package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
)

// fakeStore is a ledger in memory: it runs no SQL, and records what the
// migrator asked of it, so the planning rules are tested in microseconds.
// The real stores pass the behaviour suite in internal/store/storetest.
type fakeStore struct {
	rows  map[int64][]byte // version → checksum
	dirty []int64
	calls []string
	// fail, when set, fails Apply or Revert of that version.
	fail map[int64]error
	// raced, when set, makes Apply find the version applied by someone
	// else with that checksum (or Revert find it gone, when nil).
	raced map[int64][]byte
	// meanwhile, when set, is what another process does to the ledger
	// just before the next Apply or Revert takes the write lock (once).
	meanwhile func(rows map[int64][]byte)
}

// changed is the store's guard check: the rows around v as g says.
func (f *fakeStore) changed(v int64, g *ledger.Guard) bool {
	if hook := f.meanwhile; hook != nil {
		f.meanwhile = nil
		hook(f.rows)
	}
	if g == nil {
		return false
	}
	below, above := 0, 0
	for w := range f.rows {
		if w < v {
			below++
		} else if w > v {
			above++
		}
	}
	return below != g.Below || above != g.Above
}

func newFake(applied ...migration.Migration) *fakeStore {
	f := &fakeStore{rows: map[int64][]byte{}, fail: map[int64]error{}, raced: map[int64][]byte{}}
	for _, m := range applied {
		f.rows[m.Version] = m.Checksum
	}
	return f
}

func (f *fakeStore) Lock(context.Context) error              { f.calls = append(f.calls, "lock"); return nil }
func (f *fakeStore) Unlock(context.Context) error            { f.calls = append(f.calls, "unlock"); return nil }
func (f *fakeStore) EnsureLedger(context.Context) error      { return nil }
func (f *fakeStore) HasLedger(context.Context) (bool, error) { return true, nil }
func (f *fakeStore) Table() string                           { return ledger.DefaultTable }

func (f *fakeStore) Close() error { return nil }

func (f *fakeStore) Dirty(context.Context) (int64, bool, error) {
	if len(f.dirty) == 0 {
		return 0, false, nil
	}
	return slices.Min(f.dirty), true, nil
}

func (f *fakeStore) Applied(context.Context) ([]ledger.Applied, error) {
	var out []ledger.Applied
	for v, sum := range f.rows {
		out = append(out, ledger.Applied{Version: v, Checksum: sum})
	}
	slices.SortFunc(out, func(a, b ledger.Applied) int { return int(a.Version - b.Version) })
	return out, nil
}

func (f *fakeStore) Apply(_ context.Context, m *migration.Migration, g *ledger.Guard) (time.Duration, error) {
	f.calls = append(f.calls, "apply "+m.Description)
	if f.changed(m.Version, g) {
		if _, ok := f.rows[m.Version]; ok {
			return 0, ledger.ErrAlreadyApplied
		}
		return 0, ledger.ErrLedgerChanged
	}
	if sum, ok := f.raced[m.Version]; ok {
		f.rows[m.Version] = sum
		return 0, ledger.ErrAlreadyApplied
	}
	if err := f.fail[m.Version]; err != nil {
		return 0, &ledger.ExecError{Version: m.Version, File: m.File, Err: err}
	}
	f.rows[m.Version] = m.Checksum
	return time.Millisecond, nil
}

func (f *fakeStore) Revert(_ context.Context, m *migration.Migration, g *ledger.Guard) (time.Duration, error) {
	f.calls = append(f.calls, "revert "+m.Description)
	if f.changed(m.Version, g) {
		if _, ok := f.rows[m.Version]; !ok {
			return 0, ledger.ErrNotApplied
		}
		return 0, ledger.ErrLedgerChanged
	}
	if _, ok := f.raced[m.Version]; ok {
		delete(f.rows, m.Version)
		return 0, ledger.ErrNotApplied
	}
	if err := f.fail[m.Version]; err != nil {
		return 0, &ledger.ExecError{Version: m.Version, File: m.File, Down: true, Err: err}
	}
	delete(f.rows, m.Version)
	return time.Millisecond, nil
}

func (f *fakeStore) Skip(_ context.Context, m *migration.Migration, g *ledger.Guard) error {
	f.calls = append(f.calls, "skip "+m.Description)
	if _, ok := f.rows[m.Version]; ok {
		return ledger.ErrAlreadyApplied
	}
	if f.changed(m.Version, g) {
		return ledger.ErrLedgerChanged
	}
	f.rows[m.Version] = m.Checksum
	return nil
}

func mig(v int64, typ migration.Type, desc string) migration.Migration {
	sql := desc + typ.Suffix()
	return migration.Migration{
		Name: migration.Name{Version: v, Type: typ, Description: desc},
		File: desc + typ.Suffix(), SQL: sql, Checksum: migration.Checksum(sql, nil),
	}
}

// up1..3 are reversible; down1..3 their down halves.
var (
	up1, down1 = mig(1, migration.ReversibleUp, "one"), mig(1, migration.ReversibleDown, "one")
	up2, down2 = mig(2, migration.ReversibleUp, "two"), mig(2, migration.ReversibleDown, "two")
	up3, down3 = mig(3, migration.ReversibleUp, "three"), mig(3, migration.ReversibleDown, "three")
	all        = []migration.Migration{up1, down1, up2, down2, up3, down3}
)

func target(v int64) *int64 { return &v }

func actions(res migrate.Result) []string {
	var out []string
	for _, e := range res.Events {
		out = append(out, e.Action.String()+" "+e.Migration.Description)
	}
	return out
}

func TestRunAppliesPendingInOrderUnderTheLock(t *testing.T) {
	f := newFake(up1)
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Run(context.Background(), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"lock", "apply two", "apply three", "unlock"}; !slices.Equal(f.calls, want) {
		t.Errorf("calls %q, want %q", f.calls, want)
	}
	if res.Done != 2 || !slices.Equal(actions(res), []string{"applied two", "applied three"}) {
		t.Errorf("result %d %q", res.Done, actions(res))
	}
}

func TestRunNoLockTakesNoLock(t *testing.T) {
	f := newFake()
	if _, err := (&migrate.Migrator{Store: f, Migrations: all, NoLock: true}).Run(context.Background(), migrate.Options{}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(f.calls, "lock") || slices.Contains(f.calls, "unlock") {
		t.Errorf("calls %q", f.calls)
	}
}

func TestRunRefusesBeforeApplyingAnything(t *testing.T) {
	edited := up1
	edited.Checksum = migration.Checksum("edited", nil)
	for name, tc := range map[string]struct {
		store *fakeStore
		opts  migrate.Options
		want  error
	}{
		"modified": {store: newFake(edited), want: migrate.ErrVersionMismatch},
		"missing":  {store: newFake(up1, mig(9, migration.Simple, "gone")), want: migrate.ErrVersionMissing},
		"dirty":    {store: &fakeStore{rows: map[int64][]byte{}, dirty: []int64{2, 1}}, want: migrate.ErrDirty},
		"target not a file": {store: newFake(), opts: migrate.Options{Target: target(7)},
			want: migrate.ErrVersionNotPresent},
		"target below latest": {store: newFake(up1, up2), opts: migrate.Options{Target: target(1)},
			want: migrate.ErrVersionTooOld},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := (&migrate.Migrator{Store: tc.store, Migrations: all}).Run(context.Background(), tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			for _, c := range tc.store.calls {
				if c != "lock" && c != "unlock" {
					t.Errorf("%s: asked the store to %s", name, c)
				}
			}
			if n := len(tc.store.calls); n > 0 && tc.store.calls[n-1] != "unlock" {
				t.Errorf("the lock was not released: %q", tc.store.calls)
			}
		})
	}
}

func TestRunIgnoreMissing(t *testing.T) {
	f := newFake(mig(9, migration.Simple, "gone"))
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Run(context.Background(), migrate.Options{IgnoreMissing: true})
	if err != nil || res.Done != 3 {
		t.Fatalf("done %d, err %v", res.Done, err)
	}
}

func TestRunStopsAtTheFirstFailure(t *testing.T) {
	f := newFake()
	f.fail[2] = errors.New("syntax error")
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Run(context.Background(), migrate.Options{})
	var ee *ledger.ExecError
	if !errors.As(err, &ee) || ee.Version != 2 {
		t.Fatalf("err = %v, want migration 2's ExecError", err)
	}
	if res.Done != 1 || slices.Contains(f.calls, "apply three") {
		t.Errorf("done %d, calls %q: must stop after the failure", res.Done, f.calls)
	}
}

func TestRunTargetDryRunAndRace(t *testing.T) {
	f := newFake()
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Run(context.Background(), migrate.Options{Target: target(2), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"would run one", "would run two", "skipped three"}; !slices.Equal(actions(res), want) {
		t.Errorf("dry run %q, want %q", actions(res), want)
	}
	if len(f.rows) != 0 {
		t.Error("a dry run applied something")
	}

	// Another process applied 2 between planning and applying: the same
	// file is trusted, a different one is an error.
	f.raced[2] = up2.Checksum
	res, err = (&migrate.Migrator{Store: f, Migrations: all}).Run(context.Background(), migrate.Options{})
	if err != nil || !slices.Equal(actions(res), []string{"applied one", "already applied two", "applied three"}) {
		t.Fatalf("%q, %v", actions(res), err)
	}
	g := newFake()
	g.raced[1] = migration.Checksum("other", nil)
	if _, err := (&migrate.Migrator{Store: g, Migrations: all}).Run(context.Background(), migrate.Options{}); !errors.Is(err, migrate.ErrVersionMismatch) {
		t.Errorf("a different file applied concurrently: err = %v", err)
	}
}

func TestRevert(t *testing.T) {
	ctx := context.Background()
	f := newFake(up1, up2, up3)
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Revert(ctx, migrate.Options{})
	if err != nil || !slices.Equal(actions(res), []string{"reverted three"}) {
		t.Fatalf("without a target, only the latest: %q, %v", actions(res), err)
	}
	f.raced[2] = nil
	res, err = (&migrate.Migrator{Store: f, Migrations: all}).Revert(ctx, migrate.Options{Target: target(0)})
	if err != nil || !slices.Equal(actions(res), []string{"already reverted two", "reverted one"}) {
		t.Fatalf("to 0: %q, %v", actions(res), err)
	}
	if len(f.rows) != 0 {
		t.Errorf("left %v", f.rows)
	}
	if _, err := (&migrate.Migrator{Store: newFake(up1), Migrations: all}).Revert(ctx, migrate.Options{Target: target(3)}); !errors.Is(err, migrate.ErrVersionTooNew) {
		t.Errorf("target above latest: %v", err)
	}
}

// A simple migration has no down file: a revert passes over it and says so.
func TestRevertPassesOverSimple(t *testing.T) {
	simple := mig(4, migration.Simple, "four")
	f := newFake(up1, simple)
	res, err := (&migrate.Migrator{Store: f, Migrations: append(slices.Clone(all), simple)}).Revert(context.Background(), migrate.Options{})
	if err != nil || !slices.Equal(actions(res), []string{"reverted one"}) || !slices.Equal(res.NoDown, []int64{4}) {
		t.Fatalf("%q, no down %v, %v", actions(res), res.NoDown, err)
	}
}

func TestDuplicatesRefused(t *testing.T) {
	f := newFake()
	_, err := (&migrate.Migrator{Store: f, Migrations: []migration.Migration{up1, mig(1, migration.Simple, "again")}}).Run(context.Background(), migrate.Options{})
	if !errors.Is(err, migration.ErrDuplicate) || len(f.calls) != 0 {
		t.Errorf("err %v, calls %q", err, f.calls)
	}
}

func TestStatus(t *testing.T) {
	edited := up2
	edited.Checksum = migration.Checksum("edited", nil)
	st, err := (&migrate.Migrator{Store: newFake(up1, edited, mig(9, migration.Simple, "gone")), Migrations: all}).Status(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range st.Entries {
		got = append(got, fmt.Sprint(e.Version, " ", e.State))
	}
	// A missing migration is known only by its version: the ledger keeps
	// no description.
	want := []string{"1 installed", "2 modified", "3 pending", "9 missing"}
	if !slices.Equal(got, want) || st.UpToDate() {
		t.Errorf("status %q (up to date %v), want %q", got, st.UpToDate(), want)
	}
}

// Another process applies 3 while a revert of "the latest" (2) is planned:
// the revert's guard sees the ledger changed, and it plans again and
// reverts 3, the latest when it commits, leaving no hole.
func TestReplanRevertLatest(t *testing.T) {
	f := newFake(up1, up2)
	f.meanwhile = func(rows map[int64][]byte) { rows[3] = up3.Checksum }
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Revert(context.Background(), migrate.Options{})
	if err != nil || !slices.Equal(actions(res), []string{"reverted three"}) {
		t.Fatalf("%q, %v", actions(res), err)
	}
	if _, ok := f.rows[2]; !ok || len(f.rows) != 2 {
		t.Errorf("the ledger holds %v, want 1 and 2", f.rows)
	}
	if !slices.Equal(f.calls, []string{"lock", "revert two", "revert three", "unlock"}) {
		t.Errorf("calls %q", f.calls)
	}
}

// Another process reverts 1 while a run plans to apply 2 on top of it: the
// run plans again and applies 1 before 2, leaving no hole.
func TestReplanRun(t *testing.T) {
	f := newFake(up1)
	f.meanwhile = func(rows map[int64][]byte) { delete(rows, 1) }
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Run(context.Background(), migrate.Options{})
	if err != nil || !slices.Equal(actions(res), []string{"applied one", "applied two", "applied three"}) {
		t.Fatalf("%q, %v", actions(res), err)
	}
	if len(f.rows) != 3 {
		t.Errorf("the ledger holds %v", f.rows)
	}
}

// A store that always says the ledger changed ends the run with an error
// rather than planning for ever.
func TestReplanBounded(t *testing.T) {
	defer migrate.SetMaxReplans(50)()
	g := newFake()
	n := int64(100)
	var grow func(map[int64][]byte)
	grow = func(rows map[int64][]byte) { n++; rows[n] = nil; g.meanwhile = grow }
	g.meanwhile = grow
	if _, err := (&migrate.Migrator{Store: g, Migrations: all, NoLock: true}).Run(context.Background(), migrate.Options{IgnoreMissing: true}); err == nil || !strings.Contains(err.Error(), "kept changing") {
		t.Errorf("err = %v, want the ledger kept changing", err)
	}
}

// Skip records pending migrations without running them: above the target
// they are skipped, in a dry run they would run, else they are recorded
// (sqlx 0.9's "Skipped", "Can apply" and "Skipped on request").
func TestSkip(t *testing.T) {
	ctx := context.Background()
	f := newFake(up1)
	res, err := (&migrate.Migrator{Store: f, Migrations: all}).Run(ctx, migrate.Options{Skip: true, DryRun: true})
	if err != nil || !slices.Equal(actions(res), []string{"would run two", "would run three"}) || len(f.rows) != 1 {
		t.Fatalf("dry run: %q, %v, rows %v", actions(res), err, f.rows)
	}
	res, err = (&migrate.Migrator{Store: f, Migrations: all}).Run(ctx, migrate.Options{Skip: true, Target: target(2)})
	if err != nil || !slices.Equal(actions(res), []string{"recorded two", "skipped three"}) || res.Done != 1 {
		t.Fatalf("to 2: %q, %v", actions(res), err)
	}
	if !slices.Contains(f.calls, "skip two") || slices.Contains(f.calls, "apply two") {
		t.Errorf("calls %q", f.calls)
	}
	if res, err = (&migrate.Migrator{Store: f, Migrations: all}).Run(ctx, migrate.Options{}); err != nil || !slices.Equal(actions(res), []string{"applied three"}) {
		t.Errorf("a run after the skip: %q, %v", actions(res), err)
	}
}
