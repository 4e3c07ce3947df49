package cli

import (
	"testing"
	"time"
)

// Rust's Debug for Duration, which sqlx-cli prints.
func TestRustDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0:                       "0ns",
		999:                     "999ns",
		1000:                    "1µs",
		1500:                    "1.5µs",
		298048:                  "298.048µs",
		time.Millisecond:        "1ms",
		1234567:                 "1.234567ms",
		2500 * time.Millisecond: "2.5s",
		90 * time.Second:        "90s",
		time.Second + 1:         "1.000000001s",
	}
	for d, want := range tests {
		if got := rustDuration(d); got != want {
			t.Errorf("rustDuration(%d) = %q, want %q", d, got, want)
		}
	}
}
