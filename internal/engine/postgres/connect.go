package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/retry"
	"github.com/dbprep/dbprep/internal/store"
)

// connectRetry connects, retrying with exponential backoff while the server
// refuses or resets connections or says it is starting up, until timeout.
// While it waits it tells onWait (when set) once at the start and then
// every few seconds, so a wait is never silent.
//
// The session is the one connection of a *sql.DB of pgx's driver, taken
// out of it; the caller closes both.
func connectRetry(ctx context.Context, cfg *pgx.ConnConfig, timeout time.Duration, onWait func(string)) (*sql.DB, *sql.Conn, error) {
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(1)
	addr := fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
	conn, err := retry.Conn(ctx, db, retry.Config{Timeout: timeout, Retryable: retryable, OnWait: retry.Announce(onWait, addr, timeout, causeOf)})
	switch {
	case err == nil:
		return db, conn, nil
	case ctx.Err() != nil && err == ctx.Err():
		db.Close()
		return nil, nil, err
	}
	db.Close()
	return nil, nil, newConnectError(describeTarget(cfg), err)
}

func newConnectError(target string, err error) *store.ConnectError {
	e := &store.ConnectError{Target: target, Cause: err, Reason: causeOf(err)}
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "3D000":
		e.Kind = store.ErrNoDatabase
	case errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000"):
		e.Kind = store.ErrAuth
	case store.Unreachable(err):
		e.Kind = store.ErrUnreachable
	}
	return e
}

// causeOf is the real cause of a pgx connection error: the server's error,
// else the network's, else the last attempt's message.
func causeOf(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %s (SQLSTATE %s)", pe.Severity, pe.Message, pe.Code)
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "\n\t"); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "57P03" // cannot_connect_now: the database system is starting up
	}
	return retry.Refused(err)
}

// describeTarget names the server and database without the password.
func describeTarget(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("database %q as user %q on %s:%d", cfg.Database, cfg.User, cfg.Host, cfg.Port)
}

// pgxConfig is pgx's configuration for o, built from its parsed parts:
// pgx never reads the URL (its parser splits the userinfo at the first '@',
// sqlx's at the last), and the password is set as a field, so no string
// pgx parses or quotes in an error holds it.
func pgxConfig(o dburl.PostgresOptions) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(o.ConnString(false))
	if err != nil {
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) && errors.Unwrap(pe) != nil {
			err = errors.Unwrap(pe)
		}
		return nil, fmt.Errorf("%w: the PostgreSQL driver refused its parameters: %v", dburl.ErrInvalidURL, err)
	}
	if o.HasPassword {
		cfg.Password = o.Password
	}
	// A cancelled context (dbprep interrupted by SIGINT or SIGTERM) sends
	// PostgreSQL a cancel request, so the server stops the statement and
	// rolls back, instead of running it to its end with the migration lock
	// held; the connection's deadline is the fallback should the server not
	// answer.
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: 10 * time.Second}
	}
	return cfg, nil
}
