package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/prepare"
	"github.com/dbprep/dbprep/internal/store"
)

// hint is the advice printed under an error: what to do next, for the
// database engine in use (0 when there is none).
func hint(err error, kind engine.Engine) string {
	var ee *store.ExecError
	var pe *prepare.Error
	var de *migration.DirError
	var me *migrate.Error
	var nl *migrate.NewLedgerError
	switch {
	case errors.Is(err, prepare.ErrNotPrepared):
		return "choose another --out, or pass --force to replace it: prepare writes a new database from the migrations alone and never keeps what a file held"
	case errors.As(err, &pe) && errors.As(err, &ee):
		return "nothing was written: " + pe.Out + " is as it was. Fix " + ee.File + " and run `dbprep prepare` again"
	case errors.As(err, &de) && errors.Is(err, fs.ErrNotExist):
		return "pass --source DIR, set migrations-dir in sqlx.toml, or run dbprep where ./migrations is"
	case errors.Is(err, store.ErrNoSpace):
		return "the disk may be full, or a file-size limit (ulimit -f) reached; the change was rolled back. Free space and run again"
	case errors.Is(err, store.ErrInUse):
		return "other sessions are connected to it: close them, or pass --force (-f) to end them first"
	case errors.Is(err, store.ErrNoDatabase):
		return "create it with `dbprep database create` (or `dbprep database setup` to create it and run the migrations)"
	case errors.Is(err, store.ErrAuth):
		return "check the user name and password in the URL; " + dburl.PercentEncoding
	case errors.Is(err, store.ErrUnreachable):
		return "is the server running, at that host and port (or socket directory)? Start it, or pass --connect-timeout to wait longer for one that is starting"
	case errors.Is(err, dburl.ErrInvalidURL):
		return "a database URL looks like sqlite:db.sqlite3 or postgres://USER:PASSWORD@HOST:5432/DBNAME"
	case errors.Is(err, store.ErrConnectionLost):
		return "the server went away; a migration in a transaction was not committed (a -- no-transaction one may be partly applied, and its ledger row says so: success = false). Run again once the server is back"
	case errors.Is(err, store.ErrInTransaction):
		return "the statement cannot run inside a transaction: make `-- no-transaction` the file's first line. On SQLite that works under sqlx 0.9's rules " +
			"(dbprep's default); sqlx 0.8 runs every SQLite migration in a transaction, so a crate on sqlx 0.8 (Cargo.lock, --sqlx-compat 0.8) must upgrade to 0.9 for it"
	case errors.As(err, &ee) && ee.Down:
		return "the revert was rolled back; fix " + ee.File + " and run `dbprep migrate revert` again"
	case errors.As(err, &nl) && errors.As(err, &ee) && alreadyExists(err):
		h := "the ledger table " + nl.Table + " was created by this run, yet the first migration failed: if the database's schema is already there, " +
			"its migrations are recorded in a ledger of another name (was table-name changed in sqlx.toml? "
		if nl.Table != "_sqlx_migrations" {
			h += "sqlx's default is _sqlx_migrations; "
		}
		return h + "rename the old ledger table to " + nl.Table + " or set table-name back). " + ee.File + " itself may be fine; it was rolled back"
	case errors.As(err, &ee) && (ee.NoTx || ee.Committed):
		return noTxLeftovers(err, ee, kind)
	case errors.As(err, &ee):
		return "the migration was rolled back and has no ledger row; earlier migrations stay applied. Fix " + ee.File + " and run again"
	case errors.Is(err, migrate.ErrVersionMismatch):
		return "an applied migration was edited: restore the file (e.g. `git checkout` it) and put the change in a new migration; " +
			"for a throwaway database, `dbprep database reset`. If only line endings changed, set ignored-chars in sqlx.toml"
	case errors.Is(err, migrate.ErrVersionMissing):
		return "restore the migration file, or pass --ignore-missing"
	case errors.Is(err, migrate.ErrDirty) && errors.As(err, &me):
		return dirtyHint(me, kind)
	case errors.Is(err, migrate.ErrVersionNotPresent):
		return "--target-version must be the version of a file in the migrations directory (see `dbprep migrate info`)"
	case errors.Is(err, migrate.ErrVersionTooOld):
		return "to go back to an older version use `dbprep migrate revert --target-version`"
	case errors.Is(err, migrate.ErrVersionTooNew):
		return "to apply newer migrations use `dbprep migrate run --target-version`"
	}
	return ""
}

// noTxLeftovers is the hint for a -- no-transaction migration that failed:
// what ran before the failing statement stays, its ledger row says so
// (success = false), and how to find what it left and finish.
func noTxLeftovers(err error, ee *store.ExecError, kind engine.Engine) string {
	verb, undo := "applied", "undo it or make the file idempotent (IF NOT EXISTS), fix "+ee.File
	if ee.Down {
		verb, undo = "reverted", "finish or undo the revert by hand, fix "+ee.File
	}
	del := fmt.Sprintf("`DELETE FROM %s WHERE version = %d`", ee.Table, ee.Version)
	how := "the migration ran outside a transaction (-- no-transaction)"
	if ee.Committed {
		how = "MySQL commits each DDL statement (CREATE, ALTER, DROP, RENAME, TRUNCATE) at once, ending the migration's transaction, as it does under sqlx"
	}
	h := fmt.Sprintf(how+", so what ran before the failing statement stays, "+
		"and the ledger records migration %d as partially %s (success = false in %s): every run refuses until that row is cleared. ", ee.Version, verb, ee.Table)
	if ee.Committed && !ee.Down {
		return h + "Either undo what it left (`dbprep schema` shows it; e.g. DROP the tables it created), then " + del + ", fix " + ee.File + " and run again; " +
			"or finish it by hand and record it: " + fmt.Sprintf("`UPDATE %s SET success = TRUE WHERE version = %d`", ee.Table, ee.Version)
	}
	var pe *store.PgError
	switch {
	case errors.As(err, &pe) && len(pe.InvalidIndexes) > 0:
		h += "It left the INVALID index(es) " + strings.Join(pe.InvalidIndexes, ", ") + " (a failed CREATE INDEX CONCURRENTLY leaves one, and every re-run then fails with \"already exists\"): " +
			"DROP INDEX CONCURRENTLY each, fix " + ee.File + ", " + del + " and run again"
	case kind == engine.Postgres:
		h += "See what it left (`dbprep schema`), " + undo + ", then " + del + " and run again"
	default:
		h += "See what it left (`dbprep schema`; e.g. a table an earlier statement created), " + undo + ", then " + del + " and run again"
	}
	return h
}

// dirtyHint says how to finish a migration whose row says success = false.
func dirtyHint(me *migrate.Error, kind engine.Engine) string {
	done := fmt.Sprintf("`UPDATE %s SET success = TRUE WHERE version = %d`", me.Table, me.Version)
	del := fmt.Sprintf("`DELETE FROM %s WHERE version = %d`", me.Table, me.Version)
	h := "a -- no-transaction migration was started and did not finish (it failed, or its process was killed or lost the server), " +
		"or another tool wrote the row: it may be applied in part, in whole or not at all. See what it left (`dbprep migrate info`, `dbprep schema`"
	if kind == engine.MySQL {
		h = "MySQL commits a migration's DDL statements as they run, so a migration that failed after one (under sqlx or dbprep), or whose process was killed " +
			"or lost the server, leaves its row with success = false: it may be applied in part, in whole or not at all. See what it left (`dbprep migrate info`, `dbprep schema`"
	}
	if kind == engine.Postgres {
		h += "; a CREATE INDEX CONCURRENTLY that did not finish leaves an INVALID index: SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid"
	}
	return h + "). If it is all there, record it: " + done + "; otherwise undo what it left, then " + del + " and run again"
}

// alreadyExists reports whether a migration failed on an object that is
// already there (SQLite's "already exists"; PostgreSQL's duplicate_table,
// duplicate_object, duplicate_column, duplicate_schema).
func alreadyExists(err error) bool {
	var pe *store.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "42P07", "42710", "42701", "42P06":
			return true
		}
		return false
	}
	return strings.Contains(err.Error(), "already exists")
}
