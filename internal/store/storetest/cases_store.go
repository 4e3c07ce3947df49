package storetest

import (
	"database/sql"
	"errors"
	"testing"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// testContract drives the Store methods themselves, one by one, as
// golang-migrate's database/testing suite drives a driver: what each
// promises in ledger.Store's documentation, without package migrate.
func testContract(t *testing.T, h Harness) {
	open, db := h.Fresh(t)
	st := open(t)
	defer st.Close()

	if st.Table() != ledger.DefaultTable {
		t.Errorf("Table() = %q, want %q", st.Table(), ledger.DefaultTable)
	}
	if ok, err := st.HasLedger(ctx); ok || err != nil {
		t.Fatalf("HasLedger on a new database = %v, %v", ok, err)
	}
	for range 2 { // EnsureLedger is idempotent
		if err := st.EnsureLedger(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := st.HasLedger(ctx); !ok || err != nil {
		t.Fatalf("HasLedger after EnsureLedger = %v, %v", ok, err)
	}
	if rows, err := st.Applied(ctx); len(rows) != 0 || err != nil {
		t.Fatalf("Applied on an empty ledger = %v, %v", rows, err)
	}
	if _, ok, err := st.Dirty(ctx); ok || err != nil {
		t.Fatalf("Dirty on an empty ledger = %v, %v", ok, err)
	}
	contractLock(t, st)
	contractApply(t, h, st, db)
}

// contractLock: Unlock is safe without the lock; Lock then Unlock, twice.
func contractLock(t *testing.T, st store.Store) {
	if err := st.Unlock(ctx); err != nil {
		t.Fatalf("Unlock without the lock: %v", err)
	}
	for range 2 {
		if err := st.Lock(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// contractApply: Apply, a failing Apply, Skip, Revert and Dirty, each
// against the ledger's rows as read on db.
func contractApply(t *testing.T, h Harness, st store.Store, db *sql.DB) {
	up := mig(1, migration.ReversibleUp, "users", "CREATE TABLE users (x INTEGER);\n")
	if d, err := st.Apply(ctx, &up, nil); err != nil || d < 0 {
		t.Fatalf("Apply = %v, %v", d, err)
	}
	rows := ledgerRows(t, db)
	if len(rows) != 1 || rows[0].Version != 1 || rows[0].Description != "users" || !rows[0].Success ||
		string(rows[0].Checksum) != string(up.Checksum) || rows[0].ExecutionTime < 0 || !h.TableExists(t, db, "users") {
		t.Fatalf("after Apply: ledger %+v, table users %v", rows, h.TableExists(t, db, "users"))
	}
	if got, err := st.Applied(ctx); err != nil || len(got) != 1 || got[0].Version != 1 || string(got[0].Checksum) != string(up.Checksum) {
		t.Errorf("Applied = %+v, %v", got, err)
	}
	if _, err := st.Apply(ctx, &up, nil); !errors.Is(err, store.ErrAlreadyApplied) {
		t.Errorf("Apply of an applied version: %v, want ErrAlreadyApplied", err)
	}

	// A failing migration: an *ExecError naming it, and nothing of it left.
	bad := simple(2, "bad", "CREATE TABLE half (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
	_, err := st.Apply(ctx, &bad, nil)
	var ee *store.ExecError
	if !errors.As(err, &ee) || ee.Version != 2 || ee.File != bad.File || ee.Down || ee.Table != ledger.DefaultTable {
		t.Fatalf("Apply of a failing migration: %#v", err)
	}
	if h.DDLCommits {
		// MySQL committed the CREATE TABLE, and with it the row sqlx
		// writes first (success = false): both stay, as under sqlx.
		rows := ledgerRows(t, db)
		if !ee.Committed || !h.TableExists(t, db, "half") || len(rows) != 2 || rows[1].Version != 2 || rows[1].Success || rows[1].ExecutionTime != -1 {
			t.Errorf("a failed Apply after DDL: committed %v, table half %v, ledger %+v; want the table and a dirty row", ee.Committed, h.TableExists(t, db, "half"), rows)
		}
		exec(t, db, "DROP TABLE half")
		exec(t, db, "DELETE FROM _sqlx_migrations WHERE version = 2")
	} else if ee.Committed || h.TableExists(t, db, "half") || len(ledgerRows(t, db)) != 1 {
		t.Error("a failed Apply left its table or a row")
	}

	contractSkipRevert(t, h, st, db)
}

// contractSkipRevert: Skip records without running; Revert runs the down
// migration and deletes the row; Dirty reports the smallest failed row.
func contractSkipRevert(t *testing.T, h Harness, st store.Store, db *sql.DB) {
	down := mig(1, migration.ReversibleDown, "users", "DROP TABLE users;\n")
	// Skip records without running.
	skipped := simple(3, "skipped", "CREATE TABLE skipped (x INTEGER);\n")
	if err := st.Skip(ctx, &skipped, nil); err != nil {
		t.Fatal(err)
	}
	rows := ledgerRows(t, db)
	if len(rows) != 2 || rows[1].Version != 3 || !rows[1].Success || rows[1].ExecutionTime != -1 || h.TableExists(t, db, "skipped") {
		t.Errorf("after Skip: ledger %+v, table skipped %v", rows, h.TableExists(t, db, "skipped"))
	}
	if err := st.Skip(ctx, &skipped, nil); !errors.Is(err, store.ErrAlreadyApplied) {
		t.Errorf("Skip of a recorded version: %v, want ErrAlreadyApplied", err)
	}

	// Revert runs the down migration and deletes the row; a second one
	// finds no row.
	if d, err := st.Revert(ctx, &down, nil); err != nil || d < 0 {
		t.Fatalf("Revert = %v, %v", d, err)
	}
	if rows := ledgerRows(t, db); len(rows) != 1 || rows[0].Version != 3 || h.TableExists(t, db, "users") {
		t.Errorf("after Revert: ledger %+v, table users %v", rows, h.TableExists(t, db, "users"))
	}
	if _, err := st.Revert(ctx, &down, nil); !errors.Is(err, store.ErrNotApplied) {
		t.Errorf("Revert of a version with no row: %v, want ErrNotApplied", err)
	}

	// Dirty reports the smallest row with success = false.
	for _, v := range []int64{9, 7} {
		if _, err := db.ExecContext(ctx, "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ("+
			h.Placeholder(1)+", 'x', FALSE, "+h.Placeholder(2)+", 0)", v, []byte{}); err != nil {
			t.Fatal(err)
		}
	}
	if v, ok, err := st.Dirty(ctx); v != 7 || !ok || err != nil {
		t.Errorf("Dirty = %d, %v, %v; want 7", v, ok, err)
	}
}
