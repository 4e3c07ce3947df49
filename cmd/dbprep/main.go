// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
//
// dbprep links every engine: SQLite and PostgreSQL. Only `dbprep vet`, and
// dbprep run by go vet as its -vettool, are handed to dbprep-vet
// (cmd/dbprep-vet), the same command line with the query checker linked in
// (internal/cli/handoff.go): go vet's -vettool protocol wants a program of
// its own.
package main

import (
	"github.com/dbprep/dbprep/internal/cli"
	_ "github.com/dbprep/dbprep/internal/store/postgres" // registers the postgres backend
)

func main() { cli.Run() }
