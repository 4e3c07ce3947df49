// Command dbprep-postgres is dbprep with PostgreSQL's backend (pgx) linked
// in: dbprep hands it the whole command line when the database URL is a
// postgres:// one, so that pgx's packages never slow dbprep's start on
// SQLite. Install it with dbprep (go install …/cmd/...); it runs on its own
// too, with every command of dbprep's.
package main

import (
	"github.com/dbprep/dbprep/internal/cli"
	_ "github.com/dbprep/dbprep/internal/store/postgres" // registers the postgres backend
)

func main() { cli.Run() }
