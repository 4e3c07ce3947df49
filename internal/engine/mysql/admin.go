package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
)

// admin creates and drops databases on a MySQL server, as sqlx-cli does:
// connected with no database, CREATE DATABASE `name` with the server's
// default character set, DROP DATABASE IF EXISTS `name`.
type admin struct {
	conn    dburl.MySQLOptions
	timeout time.Duration
	onWait  func(string)
}

func (a admin) Exists(ctx context.Context) (bool, error) {
	var exists bool
	err := a.server(ctx, func(conn *sql.Conn, name string) error {
		return conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = ?)", name).Scan(&exists)
	})
	return exists, err
}

func (a admin) Create(ctx context.Context) error {
	return a.server(ctx, func(conn *sql.Conn, name string) error {
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+quoteName(name)); err != nil {
			return fmt.Errorf("creating database %q: %w", name, classify(err))
		}
		return nil
	})
}

// ErrForceNotSupported is sqlx's ForceNotSupported: MySQL has no way to
// end the other sessions on a database before dropping it.
var ErrForceNotSupported = errors.New("database driver does not support force-dropping a database (Only PostgreSQL)")

// Drop drops the database. force is refused, as sqlx refuses it.
func (a admin) Drop(ctx context.Context, force bool) error {
	if force {
		return ErrForceNotSupported
	}
	return a.server(ctx, func(conn *sql.Conn, name string) error {
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteName(name)); err != nil {
			return fmt.Errorf("dropping database %q: %w", name, classify(err))
		}
		return nil
	})
}

// server connects with no database, as sqlx's parse_for_maintenance does;
// the URL must name one.
func (a admin) server(ctx context.Context, fn func(conn *sql.Conn, name string) error) error {
	name := a.conn.Database
	if name == "" {
		return errNoDatabaseName
	}
	cfg, err := driverConfig(a.conn, "")
	if err != nil {
		return err
	}
	db, conn, err := connectRetry(ctx, cfg, a.timeout, a.onWait)
	if err != nil {
		return err
	}
	defer db.Close()
	defer conn.Close()
	return fn(conn, name)
}

// quoteName quotes an identifier in backquotes. sqlx writes `name`
// without doubling a backquote in it; dbprep doubles it, so that such a
// name is that name rather than SQL.
func quoteName(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }
