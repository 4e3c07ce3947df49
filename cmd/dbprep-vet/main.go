// Command dbprep-vet is dbprep with its query checker, internal/vet,
// linked in: `dbprep vet` hands its whole command line to it, as does
// dbprep run as go vet's -vettool. Install it with dbprep (go install
// …/cmd/...); it runs on its own too, as `dbprep-vet vet ./...` or
// `go vet -vettool=$(which dbprep-vet)`.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/dbprep/dbprep/internal/cli"
	"github.com/dbprep/dbprep/internal/engine/mysql"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/vet"
)

var linked = engines.Set{
	sqlite.Engine,
	postgres.Engine,
	mysql.Engine,
}

func main() {
	if err := cli.CheckHandOff(); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(cli.ExitError)
	}
	if cli.IsVetTool(os.Args[1:]) {
		// go vet gives the databases in the environment, and may change
		// them with its -dbprep.* flags.
		cfg, err := vet.EnvConfig(os.Getenv, vet.Opener(linked, querycheck.Options{}))
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: %v\n", err)
			os.Exit(cli.ExitError)
		}
		if len(os.Args) == 2 && os.Args[1] == "-V=full" {
			// go vet caches findings under this answer: it carries a digest
			// of the database's schema (vet.FullVersion).
			fmt.Println(vet.FullVersion(filepath.Base(os.Args[0]), linked, cfg))
			os.Exit(0)
		}
		unitchecker.Main(vet.New(cfg))
	}
	cli.Program{Engines: linked, Vet: vet.Check(linked)}.Run()
}
