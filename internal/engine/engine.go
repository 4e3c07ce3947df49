// Package engine names the database engines dbprep supports: the one value
// every other package uses for "which database is this". It knows nothing
// about any engine beyond its name; each package keeps its own part of an
// engine in a file of that engine's name, and TestEveryEngineHasEveryPart
// (engine_test.go) fails when a part is missing.
package engine

import "fmt"

// Engine is a database engine.
type Engine int

const (
	// SQLite is a sqlite: URL's engine.
	SQLite Engine = iota + 1
	// Postgres is a postgres:// or postgresql:// URL's engine.
	Postgres
)

// All are the supported engines, in the order documents list them.
func All() []Engine { return []Engine{SQLite, Postgres} }

func (e Engine) String() string {
	switch e {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return fmt.Sprintf("Engine(%d)", int(e))
}
