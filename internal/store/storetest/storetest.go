// Package storetest is the behaviour suite every store must pass: the
// Store methods themselves (Contract), then the ledger, apply, revert,
// validation and status driven through package migrate as the CLI drives
// them. Each store's tests call Run with a Harness.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// Harness gives the suite fresh databases of one kind.
type Harness struct {
	// Fresh creates an empty database and returns a function opening a new
	// store (a new connection) on it, and a *sql.DB for inspecting it.
	Fresh func(t *testing.T) (open func(t *testing.T) store.Store, inspect *sql.DB)
	// TableExists reports whether a table of that name exists.
	TableExists func(t *testing.T, db *sql.DB, name string) bool
	// Placeholder renders the n-th bind parameter ("?1" or "$1").
	Placeholder func(n int) string
	// DDLCommits: the engine commits a transaction at each DDL statement
	// (MySQL), so a migration that fails after one leaves what ran and
	// its row, success = false, as sqlx leaves them.
	DDLCommits bool
	// Locks: Lock excludes the other sessions (PostgreSQL's advisory lock,
	// MySQL's GET_LOCK); SQLite's does nothing.
	Locks bool
}

// Run runs the whole suite.
func Run(t *testing.T, h Harness) {
	t.Run("Contract", func(t *testing.T) { testContract(t, h) })
	t.Run("ApplyAll", func(t *testing.T) { testApplyAll(t, h) })
	t.Run("FailingMigrationInTheMiddle", func(t *testing.T) { testFailingMigration(t, h) })
	t.Run("Dirty", func(t *testing.T) { testDirty(t, h) })
	t.Run("Snapshot", func(t *testing.T) { testSnapshot(t, h) })
	t.Run("NoopTakesNoLock", func(t *testing.T) { testNoopTakesNoLock(t, h) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, h) })
	t.Run("Mismatch", func(t *testing.T) { testMismatch(t, h) })
	t.Run("TargetVersion", func(t *testing.T) { testTarget(t, h) })
	t.Run("DryRun", func(t *testing.T) { testDryRun(t, h) })
	t.Run("Revert", func(t *testing.T) { testRevert(t, h) })
	t.Run("RevertFailure", func(t *testing.T) { testRevertFailure(t, h) })
	t.Run("RevertRowGone", func(t *testing.T) { testRevertRowGone(t, h) })
	t.Run("AlreadyAppliedByAnother", func(t *testing.T) { testAlreadyApplied(t, h) })
	t.Run("OutOfOrder", func(t *testing.T) { testOutOfOrder(t, h) })
	t.Run("OddContents", func(t *testing.T) { testOddContents(t, h) })
	t.Run("Status", func(t *testing.T) { testStatus(t, h) })
	t.Run("Guard", func(t *testing.T) { testGuard(t, h) })
}

// mig builds a migration as Resolve would.
func mig(version int64, typ migration.Type, desc, sql string) migration.Migration {
	return migration.Migration{
		Name:     migration.Name{Version: version, Type: typ, Description: desc},
		File:     "migrations/" + desc + typ.Suffix(),
		SQL:      sql,
		Checksum: migration.Checksum(sql, nil),
		NoTx:     migration.HasNoTransaction(sql),
	}
}

func simple(version int64, desc, sql string) migration.Migration {
	return mig(version, migration.Simple, desc, sql)
}

type ledgerRow struct {
	Version       int64
	Description   string
	Success       bool
	Checksum      []byte
	ExecutionTime int64
}

func ledgerRows(t *testing.T, db *sql.DB) []ledgerRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		"SELECT version, description, success, checksum, execution_time FROM _sqlx_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("reading the ledger: %v", err)
	}
	defer rows.Close()
	var out []ledgerRow
	for rows.Next() {
		var r ledgerRow
		if err := rows.Scan(&r.Version, &r.Description, &r.Success, &r.Checksum, &r.ExecutionTime); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func versions(rows []ledgerRow) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.Version)
	}
	return out
}

func exec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func count(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// SQLiteTableExists and the functions below fill a Harness for each engine.
func SQLiteTableExists(t *testing.T, db *sql.DB, name string) bool {
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// PostgresTableExists reports whether a table exists on PostgreSQL.
func PostgresTableExists(t *testing.T, db *sql.DB, name string) bool {
	var ok bool
	if err := db.QueryRow("SELECT to_regclass($1) IS NOT NULL", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// SQLitePlaceholder is "?n"; PostgresPlaceholder is "$n".
func SQLitePlaceholder(n int) string { return fmt.Sprintf("?%d", n) }

// PostgresPlaceholder is "$n".
func PostgresPlaceholder(n int) string { return fmt.Sprintf("$%d", n) }

// ApplyOne applies one migration of sql (version 20211209212234) to st,
// creating the ledger first, and returns it.
func ApplyOne(t *testing.T, st store.Store, sql string) migration.Migration {
	t.Helper()
	m := migration.Migration{Name: migration.Name{Version: 20211209212234, Description: "first"}, File: "m/x.sql",
		SQL: sql, Checksum: migration.Checksum(sql, nil)}
	if err := st.EnsureLedger(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), &m, nil); err != nil {
		t.Fatal(err)
	}
	return m
}

// MySQLTableExists reports whether a table exists in the connection's
// database on MySQL.
func MySQLTableExists(t *testing.T, db *sql.DB, name string) bool {
	var n int
	if err := db.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// MySQLPlaceholder is "?".
func MySQLPlaceholder(int) string { return "?" }
