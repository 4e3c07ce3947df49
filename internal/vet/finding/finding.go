// Package finding is what `dbprep vet` asks for and reports, kept apart from
// the analyzer (internal/vet, which links golang.org/x/tools) so that the
// command line can print findings without linking the analyzer: dbprep hands
// `vet` to the dbprep-vet program, and only that program links it.
package finding

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Request is one `dbprep vet` run.
type Request struct {
	// Patterns are the Go packages to check, as go vet takes them.
	Patterns []string
	// Tags are go build's -tags, comma-separated.
	Tags string
	// Tests checks the packages' test files too.
	Tests bool
	// Null is the null check's mode: "off", "default" (when empty) or
	// "strict".
	Null string
	// SqlxMapper is how jmoiron/sqlx names an untagged struct field:
	// "lower", "snake", "unknown", or empty to read it from the package.
	SqlxMapper string
	// EngineURLs are ENGINE=URL: the database for the files of an engine
	// other than URL's (//dbprep:engine, a build tag). Passwords included.
	EngineURLs []string
	// EngineTags are TAG=ENGINE: build tags that declare a file's engine.
	EngineTags []string
	// URL is the database the queries are checked against, as given
	// (password included: never print it, print dburl.URL's String).
	URL string
	// ConnectTimeout bounds the wait for a server; 0 is the default.
	ConnectTimeout time.Duration
	// OnWait is told, once, that a server is being waited for.
	OnWait func(msg string)
}

// Position is a place in Go source; File is relative to the working
// directory when it lies under it.
type Position struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func (p Position) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// Problem is one query the database rejects, or one call that does not fit
// its query (arguments, Scan destinations).
type Problem struct {
	Position
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Position.String() + ": " + p.Message }

// Report is the outcome of a run: Problems sorted by file, line, column and
// message, each once; Skipped, sorted, the calls whose SQL is built at run
// time.
type Report struct {
	Problems []Problem
	Skipped  []Position
	// SkipReasons say why a call of Skipped was skipped, by its
	// position's String, when it is not that its SQL is built at run time.
	SkipReasons map[string]string
	// Packages count, for each package (its tests included), the calls
	// checked and those skipped (as built at run time, or for want of a
	// database of their file's engine).
	Packages []PackageCount
}

// PackageCount is how many query calls of a package were checked and how
// many skipped.
type PackageCount struct {
	Path             string
	Checked, Skipped int
}

// Check runs a Request: internal/vet's Check.
type Check func(ctx context.Context, r Request) (Report, error)

// Sort puts the report in its order.
func (r *Report) Sort() {
	sort.Slice(r.Problems, func(i, j int) bool {
		a, b := r.Problems[i], r.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Message < b.Message
	})
	sort.Slice(r.Skipped, func(i, j int) bool { return r.Skipped[i].String() < r.Skipped[j].String() })
}
