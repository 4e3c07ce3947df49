package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

func reversible() []migration.Migration {
	return []migration.Migration{
		mig(1, migration.ReversibleDown, "a", "DROP TABLE a;\n"),
		mig(1, migration.ReversibleUp, "a", "CREATE TABLE a (x INTEGER);\n"),
		simple(2, "no down", "CREATE TABLE b (x INTEGER);\n"),
		mig(3, migration.ReversibleUp, "c", "CREATE TABLE c (x INTEGER);\n"),
		mig(3, migration.ReversibleDown, "c", "DROP TABLE c;\n"),
	}
}

func revert(st store.Store, ms []migration.Migration, opts migrate.Options) (migrate.Result, error) {
	m := &migrate.Migrator{Store: st, Migrations: ms}
	return m.Revert(ctx, opts)
}

func testRevert(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := reversible()
	v := func(n int64) *int64 { return &n }
	if res := mustRun(t, st, ms); res.Done != 3 {
		t.Fatalf("applied %d, want 3", res.Done)
	}
	if _, err := revert(st, ms, migrate.Options{Target: v(9)}); !errors.Is(err, migrate.ErrVersionNotPresent) {
		t.Errorf("absent target: %v", err)
	}
	res, err := revert(st, ms, migrate.Options{DryRun: true})
	if err != nil || fmt.Sprint(actions(res)) != "[would run 3]" {
		t.Fatalf("dry revert: %v %v", actions(res), err)
	}
	res, err = revert(st, ms, migrate.Options{})
	if err != nil || fmt.Sprint(actions(res)) != "[reverted 3]" {
		t.Fatalf("revert: %v %v", actions(res), err)
	}
	if h.TableExists(t, db, "c") || !h.TableExists(t, db, "b") {
		t.Error("revert must drop c and keep b")
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("ledger %v, want [1 2]", got)
	}
	// Without a target only one migration with a down file is reverted: 2 has none.
	res, err = revert(st, ms, migrate.Options{})
	if err != nil || fmt.Sprint(actions(res)) != "[reverted 1]" {
		t.Fatalf("second revert: %v %v", actions(res), err)
	}
	if _, err := revert(st, ms, migrate.Options{Target: v(3)}); !errors.Is(err, migrate.ErrVersionTooNew) ||
		err.Error() != "migration 3 is newer than the latest applied migration 2" {
		t.Errorf("too new: %v", err)
	}
	res, err = revert(st, ms, migrate.Options{Target: v(0)})
	if err != nil || len(res.Events) != 0 {
		t.Errorf("nothing left with a down file: %v %v", actions(res), err)
	}
}

func testRevertFailure(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := []migration.Migration{
		mig(1, migration.ReversibleUp, "a", "CREATE TABLE a (x INTEGER);\n"),
		mig(1, migration.ReversibleDown, "a", "DROP TABLE a;\nDROP TABLE no_such_table;\n"),
	}
	mustRun(t, st, ms)
	_, err := revert(st, ms, migrate.Options{})
	var ee *store.ExecError
	if !errors.As(err, &ee) || !ee.Down || ee.Version != 1 {
		t.Fatalf("want a down ExecError for 1, got %v", err)
	}
	if h.DDLCommits {
		// MySQL committed DROP TABLE a, and the row sqlx marks unfinished
		// first: it stays, dirty.
		rows := ledgerRows(t, db)
		if h.TableExists(t, db, "a") || len(rows) != 1 || rows[0].Success || !ee.Committed {
			t.Errorf("a failed revert after DDL: table a %v, ledger %+v, committed %v; want the table gone and the row dirty", h.TableExists(t, db, "a"), rows, ee.Committed)
		}
	} else if !h.TableExists(t, db, "a") || len(ledgerRows(t, db)) != 1 {
		t.Error("a failed revert must leave the table and the row")
	}
}

func testAlreadyApplied(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	a, b := open(t), open(t)
	defer a.Close()
	defer b.Close()
	m := simple(1, "once", "CREATE TABLE once (x INTEGER);\n")
	for _, st := range []store.Store{a, b} {
		if err := st.EnsureLedger(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Apply(ctx, &m, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Apply(ctx, &m, nil); !errors.Is(err, store.ErrAlreadyApplied) {
		t.Fatalf("second Apply: %v, want ErrAlreadyApplied", err)
	}
	if len(ledgerRows(t, db)) != 1 {
		t.Error("the ledger must hold one row")
	}
}

func testOutOfOrder(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:1])
	late := []migration.Migration{ms[0], simple(5, "five", "CREATE TABLE five (x INTEGER);\n")}
	mustRun(t, st, late)
	all := []migration.Migration{ms[0], simple(3, "three", "CREATE TABLE three (x INTEGER);\n"), late[1]}
	if res := mustRun(t, st, all); fmt.Sprint(actions(res)) != "[applied 3]" {
		t.Errorf("a lower pending version is applied like sqlx does: %v", actions(res))
	}
	if got := versions(ledgerRows(t, db)); !slices.Equal(got, []int64{1, 3, 5}) {
		t.Errorf("ledger %v", got)
	}
}

func testOddContents(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := []migration.Migration{
		simple(1, "empty", ""),
		simple(2, "comment only", "-- nothing to do here\n"),
		simple(3, "template", migration.Simple.Template()),
		simple(4, "crlf", "CREATE TABLE crlf (x INTEGER);\r\nINSERT INTO crlf VALUES (1);\r\n"),
		simple(5, "trailing comment", "CREATE TABLE tc (x INTEGER); -- done\n/* block */\n"),
		simple(6, "string with semicolons", "CREATE TABLE s (x TEXT);\nINSERT INTO s VALUES ('a;b;c');\n"),
	}
	if h.DDLCommits {
		// MySQL refuses an empty query, under sqlx too: the store refuses
		// such a file before anything runs (its own test).
		ms = ms[3:]
	}
	if res := mustRun(t, st, ms); res.Done != len(ms) {
		t.Fatalf("applied %d of %d", res.Done, len(ms))
	}
	if n := count(t, db, "SELECT count(*) FROM s WHERE x = 'a;b;c'"); n != 1 {
		t.Error("a string holding semicolons must survive")
	}
	if n := count(t, db, "SELECT count(*) FROM crlf"); n != 1 {
		t.Error("a CRLF migration must run")
	}
}

func testStatus(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()
	ms := threeMigrations()
	mustRun(t, st, ms[:2])
	exec(t, db, "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9, 'gone', true, "+h.Placeholder(1)+", 0)", []byte("x"))
	local := []migration.Migration{ms[0], simple(2, "add name", "-- edited\n"), ms[2]}
	m := &migrate.Migrator{Store: st, Migrations: local}
	s, err := m.Status(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Entries {
		got = append(got, fmt.Sprintf("%d:%s", e.Version, e.State))
	}
	if fmt.Sprint(got) != "[1:installed 2:modified 3:pending 9:missing]" || s.UpToDate() || s.Dirty != nil {
		t.Errorf("status %v, up to date %v, dirty %v", got, s.UpToDate(), s.Dirty)
	}
	if string(s.Entries[1].Applied) != string(ms[1].Checksum) || string(s.Entries[1].Checksum) != string(local[1].Checksum) {
		t.Error("a modified entry carries both checksums")
	}
	exec(t, db, "UPDATE _sqlx_migrations SET success = false WHERE version = 1")
	if s, err = m.Status(ctx, false); err != nil || s.Dirty == nil || *s.Dirty != 1 {
		t.Errorf("dirty: %v %v", s.Dirty, err)
	}
}

// Revert re-checks the ledger row before running the down script, with or
// without a transaction: when another process reverted the migration
// first (the row is gone), it returns ErrNotApplied and runs nothing.
func testRevertRowGone(t *testing.T, h Harness) {
	for _, down := range []string{"DROP TABLE a;\n", "-- no-transaction\nDROP TABLE a;\n"} {
		open, db := h.Fresh(t)
		st := open(t)
		ms := []migration.Migration{
			mig(1, migration.ReversibleUp, "a", "CREATE TABLE a (x INTEGER);\n"),
			mig(1, migration.ReversibleDown, "a", down),
		}
		mustRun(t, st, ms)
		if _, err := db.Exec("DELETE FROM _sqlx_migrations WHERE version = 1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Revert(ctx, &ms[1], nil); !errors.Is(err, store.ErrNotApplied) {
			t.Errorf("down %q with its row gone: %v, want ErrNotApplied", down, err)
		}
		if !h.TableExists(t, db, "a") {
			t.Errorf("down %q ran although its row was gone", down)
		}
		st.Close()
	}
}

// Apply and Revert check the guard holding the write lock: when the rows
// below or above the version are not what the plan saw, they return
// ErrLedgerChanged and change nothing, with or without a transaction.
func testGuard(t *testing.T, h Harness) {
	for _, noTx := range []string{"", "-- no-transaction\n"} {
		open, db := h.Fresh(t)
		st := open(t)
		ms := []migration.Migration{
			simple(1, "a", "CREATE TABLE a (x INTEGER);\n"),
			mig(2, migration.ReversibleUp, "b", noTx+"CREATE TABLE b (x INTEGER);\n"),
			mig(2, migration.ReversibleDown, "b", noTx+"DROP TABLE b;\n"),
		}
		mustRun(t, st, ms[:1])
		if _, err := st.Apply(ctx, &ms[1], &ledger.Guard{Below: 0}); !errors.Is(err, ledger.ErrLedgerChanged) {
			t.Errorf("%qApply with a stale guard: %v, want ErrLedgerChanged", noTx, err)
		}
		if h.TableExists(t, db, "b") || len(ledgerRows(t, db)) != 1 {
			t.Errorf("%qApply with a stale guard changed the database: %v", noTx, ledgerRows(t, db))
		}
		if _, err := st.Apply(ctx, &ms[1], &ledger.Guard{Below: 1}); err != nil {
			t.Fatalf("%qApply with the right guard: %v", noTx, err)
		}
		if _, err := st.Revert(ctx, &ms[2], &ledger.Guard{Below: 1, Above: 1}); !errors.Is(err, ledger.ErrLedgerChanged) {
			t.Errorf("%qRevert with a stale guard: %v, want ErrLedgerChanged", noTx, err)
		}
		if rows := ledgerRows(t, db); !h.TableExists(t, db, "b") || len(rows) != 2 || !rows[1].Success {
			t.Errorf("%qRevert with a stale guard changed the database: %v", noTx, rows)
		}
		if _, err := st.Revert(ctx, &ms[2], &ledger.Guard{Below: 1}); err != nil || h.TableExists(t, db, "b") {
			t.Errorf("%qRevert with the right guard: %v", noTx, err)
		}
		st.Close()
	}
}
