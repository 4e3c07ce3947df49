package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

var (
	errRefused = errors.New("connection refused")
	errAuth    = errors.New("password authentication failed")
)

func retryable(err error) bool { return errors.Is(err, errRefused) }

func TestDoRetriesUntilSuccess(t *testing.T) {
	n := 0
	var notices []bool
	err := Do(context.Background(), Config{Timeout: 5 * time.Second, Retryable: retryable,
		OnWait: func(first bool, cause error, _ time.Duration) {
			if !errors.Is(cause, errRefused) {
				t.Errorf("cause %v", cause)
			}
			notices = append(notices, first)
		}},
		func(context.Context) error {
			if n++; n < 4 {
				return errRefused
			}
			return nil
		})
	if err != nil || n != 4 {
		t.Errorf("Do = %v after %d attempts", err, n)
	}
	if len(notices) != 1 || !notices[0] {
		t.Errorf("notices %v: want one, the first", notices)
	}
}

func TestDoStopsOnOtherErrors(t *testing.T) {
	n := 0
	err := Do(context.Background(), Config{Retryable: retryable}, func(context.Context) error { n++; return errAuth })
	if !errors.Is(err, errAuth) || n != 1 {
		t.Errorf("Do = %v after %d attempts", err, n)
	}
}

func TestDoGivesUpAtTheDeadline(t *testing.T) {
	start := time.Now()
	n := 0
	err := Do(context.Background(), Config{Timeout: 200 * time.Millisecond, Retryable: retryable}, func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("an attempt without a deadline")
		}
		n++
		return errRefused
	})
	if !errors.Is(err, errRefused) || n < 2 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("Do = %v after %d attempts and %v", err, n, time.Since(start))
	}
}

func TestDoEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Do(ctx, Config{Timeout: time.Minute, Retryable: retryable}, func(context.Context) error {
		if n++; n == 2 {
			cancel()
		}
		return errRefused
	})
	if err != context.Canceled {
		t.Errorf("Do = %v, want context.Canceled", err)
	}
}
