// Package reliability proves dbprep's guarantees under faults, concurrency
// and bad input by driving the real binary against real databases.
package reliability

import (
	"os"
	"strconv"
	"testing"

	// The tests run the binary that testbin builds; importing its code makes
	// go test's cache notice when that code changes.
	_ "github.com/dbprep/dbprep/internal/cli"
	"github.com/dbprep/dbprep/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m, "../..") }

// trials is how many times a randomised test repeats (DBPREP_TRIALS,
// default 100).
func trials() int {
	if n, err := strconv.Atoi(os.Getenv("DBPREP_TRIALS")); err == nil && n > 0 {
		return n
	}
	return 100
}
