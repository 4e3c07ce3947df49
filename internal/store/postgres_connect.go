package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// connectRetry connects, retrying with exponential backoff while the server
// refuses or resets connections or says it is starting up, until timeout.
func connectRetry(ctx context.Context, cfg *pgx.ConnConfig, timeout time.Duration) (*pgx.Conn, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	deadline := time.Now().Add(timeout)
	wait := 50 * time.Millisecond
	for {
		attempt, cancel := context.WithDeadline(ctx, deadline)
		conn, err := pgx.ConnectConfig(attempt, cfg)
		cancel()
		if err == nil {
			return conn, nil
		}
		if !retryable(err) || time.Now().Add(wait).After(deadline) {
			return nil, fmt.Errorf("connecting to %s: %w", describeTarget(cfg), err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Second)
	}
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "57P03" // cannot_connect_now: the database system is starting up
	}
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.ENOENT) && errors.As(err, &op)
}

// describeTarget names the server and database without the password.
func describeTarget(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("database %q as user %q on %s:%d", cfg.Database, cfg.User, cfg.Host, cfg.Port)
}
