package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbprep/dbprep/internal/dburl"
)

// Admin creates and drops the database a URL names.
type Admin struct {
	URL dburl.URL
	// ConnectTimeout bounds retries of refused connections (PostgreSQL).
	ConnectTimeout time.Duration
	// OnWait, when set, is told while connecting waits for the server.
	OnWait func(string)
	// SQLiteWAL creates SQLite databases in WAL mode.
	SQLiteWAL bool
}

// Exists reports whether the database exists.
func (a Admin) Exists(ctx context.Context) (bool, error) {
	if a.URL.Kind == dburl.SQLite {
		return SQLiteExists(a.URL.SQLite)
	}
	var exists bool
	err := a.maintenance(ctx, func(conn *pgx.Conn, name string) error {
		return conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	})
	return exists, err
}

// Create creates the database; it must not exist.
func (a Admin) Create(ctx context.Context) error {
	if a.URL.Kind == dburl.SQLite {
		return CreateSQLite(ctx, a.URL.SQLite, a.SQLiteWAL)
	}
	return a.maintenance(ctx, func(conn *pgx.Conn, name string) error {
		_, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		if err != nil {
			return fmt.Errorf("creating database %q: %w", name, err)
		}
		return nil
	})
}

// Drop drops the database if it exists. force first ends the other
// sessions connected to it (PostgreSQL).
func (a Admin) Drop(ctx context.Context, force bool) error {
	if a.URL.Kind == dburl.SQLite {
		return DropSQLite(a.URL.SQLite)
	}
	return a.maintenance(ctx, func(conn *pgx.Conn, name string) error {
		if force {
			if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
				return fmt.Errorf("ending sessions on %q: %w", name, err)
			}
		}
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("dropping database %q: %w (other sessions connected? use --force)", name, err)
		}
		return nil
	})
}

// maintenance connects to the server's maintenance database: postgres, or
// template1 when the target is postgres, as sqlx-cli does.
func (a Admin) maintenance(ctx context.Context, fn func(conn *pgx.Conn, name string) error) error {
	cfg, err := pgx.ParseConfig(a.URL.Conn)
	if err != nil {
		return fmt.Errorf("invalid database URL: %w", err)
	}
	name := cfg.Database
	if name == "" {
		return fmt.Errorf("the URL names no database: add one, e.g. postgres://USER@HOST/DBNAME")
	}
	cfg.Database = "postgres"
	if name == "postgres" {
		cfg.Database = "template1"
	}
	conn, err := connectRetry(ctx, cfg, a.ConnectTimeout, a.OnWait)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return fn(conn, name)
}
