// Command dbprep-vet is dbprep with its query checker, internal/vet, linked
// in: `dbprep vet` hands its whole command line to it, as does dbprep run as
// go vet's -vettool. Install the two together (go install …/cmd/...); it
// runs on its own too, as `dbprep-vet vet ./...` or
// `go vet -vettool=$(which dbprep-vet)`.
package main

import (
	"os"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/dbprep/dbprep/internal/cli"
	"github.com/dbprep/dbprep/internal/vet"
)

func main() {
	if cli.IsVetTool(os.Args[1:]) {
		unitchecker.Main(vet.Analyzer)
	}
	cli.Vet = vet.Check
	cli.Run()
}
