// Package engine names the database engines dbprep supports: the one value
// every other package uses for "which database is this". It knows nothing
// about any engine beyond its name. What dbprep does on an engine lives in
// its directory below this one (sqlite/, postgres/), whose one exported
// value each program's main lists (internal/engines).
package engine

import "fmt"

// Engine is a database engine.
type Engine int

const (
	// SQLite is a sqlite: URL's engine.
	SQLite Engine = iota + 1
	// Postgres is a postgres:// or postgresql:// URL's engine.
	Postgres
	// MySQL is a mysql:// or mariadb:// URL's engine: MySQL and MariaDB.
	MySQL
)

func (e Engine) String() string {
	switch e {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	}
	return fmt.Sprintf("Engine(%d)", int(e))
}
