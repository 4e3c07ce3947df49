// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
//
// dbprep links every engine: its list below is the whole of it. Only
// `dbprep vet`, and dbprep run by go vet as its -vettool, are handed to
// dbprep-vet (cmd/dbprep-vet), the same command line with the query
// checker linked in (internal/cli/handoff.go): go vet's -vettool protocol
// wants a program of its own.
package main

import (
	"github.com/dbprep/dbprep/internal/cli"
	"github.com/dbprep/dbprep/internal/engine/mysql"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/engines"
)

var linked = engines.Set{
	sqlite.Engine,
	postgres.Engine,
	mysql.Engine,
}

func main() { cli.Program{Engines: linked}.Run() }
