package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
)

// SQLiteLedgerDDL is sqlx's ledger table for SQLite, byte for byte, with %s
// for the table name. SQLite keeps it in sqlite_master minus "IF NOT EXISTS".
const SQLiteLedgerDDL = `
CREATE TABLE IF NOT EXISTS %s (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
                `

// sqliteDialect: "?1" placeholders, BEGIN IMMEDIATE (the write lock at the
// start of every migration's transaction), no migration lock.
type sqliteDialect struct{}

func (sqliteDialect) Engine() engine.Engine     { return engine.SQLite }
func (sqliteDialect) LedgerDDL() string         { return SQLiteLedgerDDL }
func (sqliteDialect) Placeholder(n int) string  { return fmt.Sprintf("?%d", n) }
func (sqliteDialect) Begin() string             { return "BEGIN IMMEDIATE" }
func (sqliteDialect) RowFirst() bool            { return false }
func (sqliteDialect) AlwaysNoTx() bool          { return false }
func (sqliteDialect) Server() bool              { return false }
func (sqliteDialect) Timestamp(t time.Time) any { return t.UTC().Format(time.DateTime) } // as CURRENT_TIMESTAMP renders it
func (sqliteDialect) Drivers() []string         { return []string{"sqlite", "sqlite3"} } // modernc.org/sqlite, github.com/mattn/go-sqlite3
func (sqliteDialect) Imports() string {
	return `_ "modernc.org/sqlite" (or _ "github.com/mattn/go-sqlite3")`
}

func (sqliteDialect) Lock(context.Context, *sql.Conn) (func(context.Context) error, error) {
	return nil, nil
}

func (sqliteDialect) EnsureLedger(ctx context.Context, conn *sql.Conn, ddl string) error {
	_, err := conn.ExecContext(ctx, ddl)
	return err
}

// HasTable looks in the sqlite_master of the table's schema ("main" unless
// the name has one).
func (sqliteDialect) HasTable(ctx context.Context, conn *sql.Conn, table string) (bool, error) {
	schema, name := "main", table
	if i := strings.LastIndex(name, "."); i >= 0 {
		schema, name = name[:i], name[i+1:]
	}
	var ok bool
	err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) > 0 FROM %s.sqlite_master WHERE type = 'table' AND name = ?", schema), name).Scan(&ok)
	return ok, err
}

// AfterRollback reads the schema: after an I/O error (disk full, file-size
// limit) SQLite may leave the rollback unfinished, with a hot journal
// beside the file, and reading makes it play the journal back now rather
// than leave that to the next process.
func (sqliteDialect) AfterRollback(ctx context.Context, conn *sql.Conn) error {
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return fmt.Errorf("restoring the database afterwards also failed: %v (SQLite restores it from the -journal file the next time it is opened: keep that file)", err)
	}
	return nil
}

// DSN is the "file:" URI of u for driver, with sqlx's foreign keys and
// SQLiteBusyTimeout (SQLiteURI).
func (sqliteDialect) DSN(driver string, u dburl.URL) string {
	return SQLiteURI(driver, u.SQLite, SQLiteBusyTimeout)
}

// SQLiteBusyTimeout is sqlx's: how long a SQLite write waits for another
// writer.
const SQLiteBusyTimeout = 30 * time.Second

// SQLiteURI is the "file:" URI of u for a database/sql driver ("sqlite",
// modernc's, which takes pragmas as _pragma=name(value), or "sqlite3",
// mattn's, which takes _name=value), with foreign keys on, as sqlx has
// them, and the busy timeout busy.
func SQLiteURI(driver string, u dburl.SQLiteOptions, busy time.Duration) string {
	q := u.URIQuery()
	ms := strconv.FormatInt(busy.Milliseconds(), 10)
	if driver == "sqlite" {
		q.Add("_pragma", "busy_timeout("+ms+")")
		q.Add("_pragma", "foreign_keys(1)")
	} else {
		q.Set("_busy_timeout", ms)
		q.Set("_foreign_keys", "1")
	}
	return "file:" + u.URIPath() + "?" + q.Encode()
}
