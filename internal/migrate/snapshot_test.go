package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migrate"
)

// snapFake is a fakeStore that reads its ledger in one query, as the SQL
// stores do; err, when set, is the answer (no ledger table yet).
type snapFake struct {
	*fakeStore
	err error
}

func (s snapFake) ReadLedger(context.Context) (ledger.Snapshot, error) {
	s.calls = append(s.calls, "snapshot")
	if s.err != nil {
		return ledger.Snapshot{}, s.err
	}
	rows, _ := s.Applied(context.Background())
	v, dirty, _ := s.Dirty(context.Background())
	for _, d := range s.dirty {
		rows = append(rows, ledger.Applied{Version: d})
	}
	slices.SortFunc(rows, func(a, b ledger.Applied) int { return int(a.Version - b.Version) })
	return ledger.Snapshot{Rows: rows, Dirty: v, HasDirty: dirty}, nil
}

// A run with nothing to do reads the ledger once and takes no lock.
func TestRunUpToDateTakesNoLock(t *testing.T) {
	for name, opts := range map[string]migrate.Options{
		"plain":          {},
		"dry run":        {DryRun: true},
		"target latest":  {Target: target(3)},
		"ignore missing": {IgnoreMissing: true},
	} {
		f := newFake(up1, up2, up3)
		if opts.IgnoreMissing {
			f.rows[9] = []byte("gone")
		}
		s := snapFake{fakeStore: f}
		res, err := (&migrate.Migrator{Store: s, Migrations: all}).Run(context.Background(), opts)
		if err != nil || res.Done != 0 || len(res.Events) != 0 {
			t.Errorf("%s: %v, %q", name, err, actions(res))
		}
		if want := []string{"snapshot"}; !slices.Equal(f.calls, want) {
			t.Errorf("%s: calls %q, want %q", name, f.calls, want)
		}
	}
}

// Whatever is not a clean no-op is decided under the lock, with the same
// outcome as a store that cannot read its ledger in one query.
func TestRunNotUpToDateGoesUnderTheLock(t *testing.T) {
	edited := up2
	edited.Checksum = []byte("edited")
	gone := mig(9, 0, "gone")
	for name, tc := range map[string]struct {
		store func() *fakeStore
		opts  migrate.Options
		err   error // the snapshot's
	}{
		"pending":             {store: func() *fakeStore { return newFake(up1) }},
		"modified":            {store: func() *fakeStore { return newFake(up1, edited, up3) }},
		"missing":             {store: func() *fakeStore { return newFake(up1, up2, up3, gone) }},
		"dirty":               {store: func() *fakeStore { f := newFake(up1, up2, up3); f.dirty = []int64{4}; return f }},
		"target below latest": {store: func() *fakeStore { return newFake(up1, up2, up3) }, opts: migrate.Options{Target: target(2)}},
		"dry run pending":     {store: func() *fakeStore { return newFake(up1) }, opts: migrate.Options{DryRun: true}},
		"no ledger yet":       {store: func() *fakeStore { return newFake(up1, up2, up3) }, err: errors.New("no such table")},
		"create-schemas":      {store: func() *fakeStore { return newFake(up1, up2, up3) }, err: ledger.ErrNoSnapshot},
	} {
		plain, snapped := tc.store(), tc.store()
		wantRes, wantErr := (&migrate.Migrator{Store: plain, Migrations: all}).Run(context.Background(), tc.opts)
		res, err := (&migrate.Migrator{Store: snapFake{fakeStore: snapped, err: tc.err}, Migrations: all}).Run(context.Background(), tc.opts)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !slices.Equal(actions(res), actions(wantRes)) {
			t.Errorf("%s: %v %q, want %v %q", name, err, actions(res), wantErr, actions(wantRes))
		}
		if want := append([]string{"snapshot"}, plain.calls...); !slices.Equal(snapped.calls, want) || !slices.Contains(want, "lock") {
			t.Errorf("%s: calls %q, want %q", name, snapped.calls, want)
		}
	}
}

// migrate info and check read the same status from one query as from the
// catalog, the dirty row and the ledger.
func TestStatusFromSnapshot(t *testing.T) {
	edited := up2
	edited.Checksum = []byte("edited")
	f := func() *fakeStore { f := newFake(up1, edited, mig(9, 0, "gone")); f.dirty = []int64{5}; return f }
	want, err := (&migrate.Migrator{Store: f(), Migrations: all}).Status(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	s := snapFake{fakeStore: f()}
	got, err := (&migrate.Migrator{Store: s, Migrations: all}).Status(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	// the snapshot also lists the dirty row, as the ledger holds it
	want.Entries = append(want.Entries[:len(want.Entries)-1], migrate.Entry{Version: 5, State: migrate.Missing, Applied: nil}, want.Entries[len(want.Entries)-1])
	if got.Dirty == nil || *got.Dirty != 5 {
		t.Fatalf("dirty %v, want 5", got.Dirty)
	}
	got.Dirty = want.Dirty
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("status from the snapshot\n%v\nwant\n%v", got, want)
	}
	if !slices.Equal(s.calls, []string{"snapshot"}) {
		t.Errorf("calls %q", s.calls)
	}
}
