// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
//
// `dbprep vet`, and dbprep run by go vet as its -vettool, hand their command
// line to dbprep-vet (cmd/dbprep-vet), which holds the query checker, so that
// the checker's packages never slow the start of any other command.
package main

import (
	"fmt"
	"os"

	"github.com/dbprep/dbprep/internal/cli"
)

func main() {
	if cli.IsVetTool(os.Args[1:]) {
		err := cli.HandOffVet(os.Args[1:])
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(cli.ExitError)
	}
	cli.Run()
}
