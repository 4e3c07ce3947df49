package storetest

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
	"github.com/dbprep/dbprep/internal/store"
)

var ctx = context.Background()

func run(t *testing.T, st store.Store, ms []migration.Migration, opts migrate.Options) (migrate.Result, error) {
	t.Helper()
	m := &migrate.Migrator{Store: st, Migrations: ms}
	return m.Run(ctx, opts)
}

func mustRun(t *testing.T, st store.Store, ms []migration.Migration) migrate.Result {
	t.Helper()
	res, err := run(t, st, ms, migrate.Options{})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

func threeMigrations() []migration.Migration {
	return []migration.Migration{
		simple(1, "create users", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"),
		simple(2, "add name", "ALTER TABLE users ADD COLUMN name TEXT;\nCREATE INDEX users_email ON users (email);\n"),
		simple(3, "seed", "INSERT INTO users (id, email, name) VALUES (1, 'a@example.com', 'A');\nINSERT INTO users (id, email, name) VALUES (2, 'b@example.com', 'B');\n"),
	}
}

func testApplyAll(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	if res := mustRun(t, st, ms); res.Done != 3 {
		t.Fatalf("applied %d, want 3", res.Done)
	}
	rows := ledgerRows(t, db)
	if len(rows) != 3 {
		t.Fatalf("ledger has %d rows, want 3", len(rows))
	}
	for i, r := range rows {
		m := ms[i]
		if r.Version != m.Version || r.Description != m.Description || !r.Success || string(r.Checksum) != string(m.Checksum) {
			t.Errorf("row %d = %+v, want version %d %q success checksum %x", i, r, m.Version, m.Description, m.Checksum)
		}
		if len(r.Checksum) != 48 || r.ExecutionTime < 0 {
			t.Errorf("row %d: checksum %d bytes, execution_time %d", i, len(r.Checksum), r.ExecutionTime)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM users WHERE name IS NOT NULL"); n != 2 {
		t.Errorf("seeded users = %d, want 2", n)
	}
	if res := mustRun(t, st, ms); res.Done != 0 || len(res.Events) != 0 {
		t.Errorf("second run did %+v, want nothing", res)
	}
}

func testFailingMigration(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	bad := simple(3, "broken", "CREATE TABLE half (x INTEGER);\nINSERT INTO half VALUES (1);\nTHIS IS NOT SQL;\n")
	ms[2] = bad
	ms = append(ms, simple(4, "after", "CREATE TABLE after_broken (x INTEGER);\n"))
	_, err := run(t, st, ms, migrate.Options{})
	var ee *store.ExecError
	if !errors.As(err, &ee) || ee.Version != 3 {
		t.Fatalf("want an ExecError for version 3, got %v", err)
	}
	for _, want := range []string{"while executing migration 3", bad.File} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if h.DDLCommits {
		// MySQL: the CREATE TABLE committed, and the dirty row with it.
		rows := ledgerRows(t, db)
		if got := versions(rows); !slices.Equal(got, []int64{1, 2, 3}) || rows[2].Success || !ee.Committed || !h.TableExists(t, db, "half") || h.TableExists(t, db, "after_broken") {
			t.Errorf("ledger = %+v, committed %v: want 3 dirty, table half there, after_broken not", rows, ee.Committed)
		}
		if _, err := run(t, st, ms, migrate.Options{}); !errors.Is(err, migrate.ErrDirty) {
			t.Errorf("a run after a dirty failure: %v, want ErrDirty", err)
		}
		exec(t, db, "DROP TABLE half")
		exec(t, db, "DELETE FROM _sqlx_migrations WHERE version = 3")
	} else {
		if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1, 2}) {
			t.Errorf("ledger = %v, want [1 2]: earlier migrations stay, the failed one has no row", got)
		}
		for _, table := range []string{"half", "after_broken"} {
			if h.TableExists(t, db, table) {
				t.Errorf("table %s exists: the failed migration and those after it must leave nothing", table)
			}
		}
	}
	ms[2] = simple(3, "fixed", "CREATE TABLE half (x INTEGER);\n")
	if res := mustRun(t, st, ms); res.Done != 2 {
		t.Errorf("after the fix, applied %d, want 2", res.Done)
	}
}

func testDirty(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:1])
	exec(t, db, "UPDATE _sqlx_migrations SET success = false WHERE version = 1")
	_, err := run(t, st, ms, migrate.Options{})
	want := "migration 1 is partially applied; fix and remove row from `_sqlx_migrations` table"
	if !errors.Is(err, migrate.ErrDirty) || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1}) {
		t.Errorf("a dirty database must not be migrated further: ledger %v", got)
	}
}

func testMissing(t *testing.T, h Harness) {
	open, _ := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:2])
	_, err := run(t, st, []migration.Migration{ms[0], ms[2]}, migrate.Options{})
	want := "migration 2 was previously applied but is missing in the resolved migrations"
	if !errors.Is(err, migrate.ErrVersionMissing) || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	res, err := run(t, st, []migration.Migration{ms[0], ms[2]}, migrate.Options{IgnoreMissing: true})
	if err != nil || res.Done != 1 {
		t.Fatalf("with IgnoreMissing: %+v, %v", res, err)
	}
}

func testMismatch(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:2])
	edited := slices.Clone(ms)
	edited[1] = simple(2, "add name", ms[1].SQL+"-- edited\n")
	_, err := run(t, st, edited, migrate.Options{})
	want := "migration 2 was previously applied but has been modified"
	if !errors.Is(err, migrate.ErrVersionMismatch) || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("ledger %v: nothing after the mismatch may be applied", got)
	}
}

func testTarget(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	v := func(n int64) *int64 { return &n }
	_, err := run(t, st, ms, migrate.Options{Target: v(7)})
	if !errors.Is(err, migrate.ErrVersionNotPresent) || err.Error() != "migration 7 is not present in the migration source" {
		t.Fatalf("absent target: %v", err)
	}
	res, err := run(t, st, ms, migrate.Options{Target: v(2)})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(actions(res)); got != "[applied 1 applied 2 skipped 3]" {
		t.Errorf("events %s", got)
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("ledger %v, want [1 2]", got)
	}
	mustRun(t, st, ms)
	_, err = run(t, st, ms, migrate.Options{Target: v(1)})
	if !errors.Is(err, migrate.ErrVersionTooOld) || err.Error() != "migration 1 is older than the latest applied migration 3" {
		t.Fatalf("old target: %v", err)
	}
}

func actions(res migrate.Result) []string {
	var out []string
	for _, e := range res.Events {
		out = append(out, fmt.Sprintf("%s %d", e.Action, e.Migration.Version))
	}
	return out
}

func testDryRun(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:1])
	res, err := run(t, st, ms, migrate.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(actions(res)); got != "[would run 2 would run 3]" || res.Done != 0 {
		t.Errorf("dry run events %s, done %d", got, res.Done)
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1}) {
		t.Errorf("a dry run changed the ledger: %v", got)
	}
}

// testSnapshot: the store reads its ledger in one query (what lets a run
// with nothing to do skip the lock): an error before the ledger exists,
// every row with its checksum after, and a dirty row flagged.
func testSnapshot(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	sn, ok := st.(ledger.LedgerReader)
	if !ok {
		t.Fatalf("%T cannot read its ledger in one query (ledger.LedgerReader)", st)
	}
	if snap, err := sn.ReadLedger(ctx); err == nil {
		t.Fatalf("a snapshot before the ledger exists: %+v, want an error", snap)
	}
	ms := threeMigrations()
	mustRun(t, st, ms)
	snap, err := sn.ReadLedger(ctx)
	if err != nil || snap.HasDirty || len(snap.Rows) != 3 {
		t.Fatalf("after the run: %+v, %v", snap, err)
	}
	for i, r := range snap.Rows {
		if r.Version != ms[i].Version || string(r.Checksum) != string(ms[i].Checksum) {
			t.Errorf("row %d: %d %x, want %d %x", i, r.Version, r.Checksum, ms[i].Version, ms[i].Checksum)
		}
	}
	exec(t, db, "UPDATE _sqlx_migrations SET success = false WHERE version = 2")
	if snap, err = sn.ReadLedger(ctx); err != nil || !snap.HasDirty || snap.Dirty != 2 || len(snap.Rows) != 3 {
		t.Errorf("with 2 dirty: %+v, %v", snap, err)
	}
}

// testNoopTakesNoLock: while another session holds the migration lock, a
// run with nothing to do ends (it reads the ledger without the lock), and
// a run with a migration pending waits for the lock until its context ends,
// applying nothing.
func testNoopTakesNoLock(t *testing.T, h Harness) {
	if !h.Locks {
		t.Skip("this store's Lock excludes no other session")
	}
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:2])
	holder := open(t)
	defer holder.Close()
	if err := holder.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	// Generous: a no-op that waited for the lock would wait for ever.
	noop, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if res, err := (&migrate.Migrator{Store: st, Migrations: ms[:2]}).Run(noop, migrate.Options{}); err != nil || res.Done != 0 {
		t.Fatalf("a no-op while another session holds the lock: %+v, %v", res, err)
	}
	waiter := open(t)
	defer waiter.Close()
	pending, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if res, err := (&migrate.Migrator{Store: waiter, Migrations: ms}).Run(pending, migrate.Options{}); err == nil || res.Done != 0 {
		t.Fatalf("a run with a migration pending did not wait for the lock: %+v, %v", res, err)
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("ledger %v, want [1 2]", got)
	}
}
