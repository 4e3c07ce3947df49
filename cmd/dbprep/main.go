// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
//
// dbprep links SQLite alone. A postgres:// database URL is handed to
// dbprep-postgres (cmd/dbprep-postgres), and `dbprep vet`, and dbprep run
// by go vet as its -vettool, to dbprep-vet (cmd/dbprep-vet), each the same
// command line with more linked in, so that their packages never slow the
// start of the commands that do not need them (internal/cli/handoff.go).
package main

import "github.com/dbprep/dbprep/internal/cli"

func main() { cli.Run() }
