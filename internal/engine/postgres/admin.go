package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/store"
)

// admin creates and drops databases on a PostgreSQL server.
type admin struct {
	conn    dburl.PostgresOptions
	timeout time.Duration
	onWait  func(string)
}

func (a admin) Exists(ctx context.Context) (bool, error) {
	var exists bool
	err := a.maintenance(ctx, func(conn *sql.Conn, name string) error {
		return conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	})
	return exists, err
}

func (a admin) Create(ctx context.Context) error {
	return a.maintenance(ctx, func(conn *sql.Conn, name string) error {
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("creating database %q: %w", name, err)
		}
		return nil
	})
}

func (a admin) Drop(ctx context.Context, force bool) error {
	return a.maintenance(ctx, func(conn *sql.Conn, name string) error {
		if force {
			if _, err := conn.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
				return fmt.Errorf("ending sessions on %q: %w", name, err)
			}
		}
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "55006" { // object_in_use
				return fmt.Errorf("dropping database %q: %w", name, store.WithCause(err, store.ErrInUse))
			}
			return fmt.Errorf("dropping database %q: %w", name, err)
		}
		return nil
	})
}

// maintenance connects to the server's maintenance database: postgres, or
// template1 when the target is postgres, as sqlx-cli does.
func (a admin) maintenance(ctx context.Context, fn func(conn *sql.Conn, name string) error) error {
	cfg, err := pgxConfig(a.conn)
	if err != nil {
		return err
	}
	name := cfg.Database
	if name == "" {
		return fmt.Errorf("the URL names no database: add one, e.g. postgres://USER@HOST/DBNAME")
	}
	cfg.Database = "postgres"
	if name == "postgres" {
		cfg.Database = "template1"
	}
	db, conn, err := connectRetry(ctx, cfg, a.timeout, a.onWait)
	if err != nil {
		return err
	}
	defer db.Close()
	defer conn.Close()
	return fn(conn, name)
}
