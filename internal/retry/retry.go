// Package retry waits for a database server that is starting: the one
// loop, with exponential backoff, of every caller that connects (package
// store's PostgreSQL sessions, sqlxmigrate's Connect). It knows no driver:
// each caller says which errors may go away.
package retry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// Config is how long to wait, and for what.
type Config struct {
	// Timeout bounds the wait; zero means DefaultTimeout.
	Timeout time.Duration
	// Retryable says whether an attempt's error may go away (a refused
	// connection, a server starting up).
	Retryable func(error) bool
	// OnWait, when set, is told that Do is waiting: at the first retryable
	// failure (first true) and then every Notice, with the last error and
	// the time waited.
	OnWait func(first bool, cause error, waited time.Duration)
}

// DefaultTimeout is how long a server that is starting is waited for
// unless the caller says otherwise: sqlx-cli's --connect-timeout default.
const DefaultTimeout = 10 * time.Second

// Notice is how often OnWait is told that Do still waits.
const Notice = 3 * time.Second

// Do calls try until it succeeds, fails with an error Retryable refuses,
// or Timeout has passed; it waits 50 ms after the first failure, doubling
// up to 1 s. Each attempt gets a context that ends at the deadline, and
// the last attempt, at the deadline, still a second to finish. The error
// is the last attempt's, or ctx's when ctx ends first.
func Do(ctx context.Context, c Config, try func(context.Context) error) error {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	start := time.Now()
	deadline := start.Add(timeout)
	wait := 50 * time.Millisecond
	var told time.Time
	for {
		attempt, cancel := context.WithDeadline(ctx, later(deadline, time.Now().Add(time.Second)))
		err := try(attempt)
		cancel()
		if err == nil {
			return nil
		}
		if c.Retryable == nil || !c.Retryable(err) || !time.Now().Before(deadline) {
			return err
		}
		if c.OnWait != nil && time.Since(told) >= Notice {
			c.OnWait(told.IsZero(), err, time.Since(start))
			told = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(wait, time.Until(deadline))):
		}
		wait = min(wait*2, time.Second)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Conn takes a connection from db, retrying as Do does: for a caller that
// keeps one session (db limited to one connection).
func Conn(ctx context.Context, db *sql.DB, c Config) (*sql.Conn, error) {
	var conn *sql.Conn
	err := Do(ctx, c, func(attempt context.Context) error {
		var err error
		conn, err = db.Conn(attempt)
		return err
	})
	return conn, err
}

// Announce is an OnWait that tells onWait (nil: nothing) that a
// connection waits for the server at addr: at the start, in cause's words
// for the error, then every Notice, so a wait is never silent.
func Announce(onWait func(string), addr string, timeout time.Duration, cause func(error) string) func(bool, error, time.Duration) {
	if onWait == nil {
		return nil
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return func(first bool, err error, waited time.Duration) {
		if first {
			onWait(fmt.Sprintf("waiting for the server at %s (%s); up to %s", addr, cause(err), timeout))
		} else {
			onWait(fmt.Sprintf("still waiting for the server at %s (%s elapsed)", addr, waited.Round(time.Second)))
		}
	}
}

// Refused says whether err is a server that does not take connections
// yet: refused, reset or aborted, or a unix socket not there yet.
func Refused(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.ENOENT) && errors.As(err, &op)
}
