// Package retry waits for a database server that is starting: the one
// loop, with exponential backoff, of every caller that connects (package
// store's PostgreSQL sessions, sqlxmigrate's Connect). It knows no driver:
// each caller says which errors may go away.
package retry

import (
	"context"
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
