package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
)

// MySQLLedgerDDL is sqlx's ledger table for MySQL and MariaDB, byte for
// byte (sqlx-mysql's migrate.rs).
const MySQLLedgerDDL = `
CREATE TABLE IF NOT EXISTS %s (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
                `

// MySQLSession is the statement sqlx runs on every MySQL connection:
// PIPES_AS_CONCAT (|| concatenates), UTC, utf8mb4. sqlx's client also
// asks for IGNORE_SPACE (a capability flag go-sql-driver does not send),
// so it is added here by hand: the same migration then parses the same
// way under dbprep as under sqlx (`count (*)`, a table named count).
const MySQLSession = "SET sql_mode=(SELECT CONCAT(@@sql_mode, ',IGNORE_SPACE,PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION')),time_zone='+00:00',NAMES utf8mb4"

// MySQLLockName is sqlx's GET_LOCK name for a database: the lower-case hex
// of the PostgreSQL key (LockKey), without 0x or padding.
func MySQLLockName(database string) string { return fmt.Sprintf("%x", LockKey(database)) }

// mariaDBLockTimeout is GET_LOCK's timeout on MariaDB, which ignores -1
// (it returns NULL and takes no lock): a year, in seconds.
const mariaDBLockTimeout = 31536000

// mysqlDialect: "?" placeholders, sqlx's GET_LOCK, and sqlx's MySQL order
// of a migration's row: written with success = FALSE before the SQL and
// set to TRUE after it, in one transaction, which MySQL commits early at
// the migration's first DDL statement (RowFirst). "-- no-transaction" is
// ignored, as sqlx ignores it there.
type mysqlDialect struct{}

func (mysqlDialect) Engine() engine.Engine     { return engine.MySQL }
func (mysqlDialect) LedgerDDL() string         { return MySQLLedgerDDL }
func (mysqlDialect) Placeholder(int) string    { return "?" }
func (mysqlDialect) Begin() string             { return "BEGIN" }
func (mysqlDialect) AlwaysNoTx() bool          { return false }
func (mysqlDialect) RowFirst() bool            { return true }
func (mysqlDialect) Server() bool              { return true }
func (mysqlDialect) Timestamp(t time.Time) any { return t.UTC().Format(time.DateTime) } // the session is UTC
func (mysqlDialect) Drivers() []string         { return []string{"mysql"} }             // github.com/go-sql-driver/mysql
func (mysqlDialect) Imports() string           { return `_ "github.com/go-sql-driver/mysql"` }

func (mysqlDialect) AfterRollback(context.Context, *sql.Conn) error { return nil }

// DSN is go-sql-driver's data source name for u: multiStatements, as
// sqlx sends a migration as one query.
func (mysqlDialect) DSN(_ string, u dburl.URL) string {
	o := u.MySQL
	network, addr := o.Addr()
	var b strings.Builder
	b.WriteString(o.UserOrDefault())
	if o.HasPassword {
		b.WriteString(":" + o.Password)
	}
	fmt.Fprintf(&b, "@%s(%s)/%s?multiStatements=true&charset=utf8mb4", network, addr, o.Database)
	if o.SSLMode == "required" || o.SSLMode == "verify_ca" || o.SSLMode == "verify_identity" {
		b.WriteString("&tls=" + url.QueryEscape(map[string]string{"required": "skip-verify", "verify_ca": "true", "verify_identity": "true"}[o.SSLMode]))
	} else if o.SSLMode == "preferred" {
		b.WriteString("&tls=preferred")
	}
	return b.String()
}

// ErrNoMultiStatements is a MySQL connection that takes one statement per
// query: sqlx sends a migration file as one query.
var ErrNoMultiStatements = errors.New("the MySQL connection takes one statement per query, and sqlx sends a migration file as one query: " +
	"open the *sql.DB with multiStatements=true in go-sql-driver's DSN (or mysql.Config{MultiStatements: true}); nothing was run")

// Session sets up a connection as sqlx does (MySQLSession), after making
// sure that it takes several statements in one query.
func (mysqlDialect) Session(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "DO 1; DO 2"); err != nil {
		return fmt.Errorf("%w (%v)", ErrNoMultiStatements, err)
	}
	if _, err := conn.ExecContext(ctx, MySQLSession); err != nil {
		return fmt.Errorf("setting up the session as sqlx does: %w", err)
	}
	return nil
}

func (mysqlDialect) EnsureLedger(ctx context.Context, conn *sql.Conn, ddl string) error {
	_, err := conn.ExecContext(ctx, ddl)
	return err
}

// HasTable looks in information_schema, in the table's database (the
// connection's unless the name has one).
func (mysqlDialect) HasTable(ctx context.Context, conn *sql.Conn, table string) (bool, error) {
	name := strings.ReplaceAll(table, "`", "")
	var n int
	var err error
	// DATABASE() or a constant, which MariaDB looks up directly; through
	// COALESCE it reads the whole catalog (3× slower with 1000 tables).
	if i := strings.LastIndex(name, "."); i >= 0 {
		err = conn.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", name[:i], name[i+1:]).Scan(&n)
	} else {
		err = conn.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", name).Scan(&n)
	}
	return n > 0, err
}

// ErrNoDefaultDatabase is a MySQL session without a database: the URL
// names none, and sqlx's lock (and ledger) need one.
var ErrNoDefaultDatabase = errors.New("the connection has no default database: name one in the URL (mysql://USER@HOST/DBNAME)")

// Lock takes sqlx's lock, GET_LOCK on the name of the database's key, and
// checks that it was taken: with sqlx's timeout of -1 on MySQL (so that
// dbprep and a sqlx program exclude each other), a year on MariaDB, where
// -1 takes no lock at all.
func (mysqlDialect) Lock(ctx context.Context, conn *sql.Conn) (func(context.Context) error, error) {
	var db sql.NullString
	var version string
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE(), VERSION()").Scan(&db, &version); err != nil {
		return nil, err
	}
	if !db.Valid {
		return nil, ErrNoDefaultDatabase
	}
	name := MySQLLockName(db.String)
	timeout := -1
	if strings.Contains(strings.ToLower(version), "mariadb") {
		timeout = mariaDBLockTimeout
	}
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", name, timeout).Scan(&got); err != nil {
		return nil, err
	}
	if !got.Valid || got.Int64 != 1 {
		return nil, fmt.Errorf("GET_LOCK(%q) did not take the lock (it returned %v)", name, got)
	}
	return func(ctx context.Context) error {
		_, err := conn.ExecContext(ctx, "SELECT RELEASE_LOCK(?)", name)
		return err
	}, nil
}
