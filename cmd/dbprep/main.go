// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
//
// Run by go vet as a vet tool (go vet -vettool=$(which dbprep)), it is the
// query checker of dbprep vet, one package at a time.
package main

import (
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/dbprep/dbprep/internal/cli"
	"github.com/dbprep/dbprep/internal/vet"
)

func main() {
	if vetTool(os.Args[1:]) {
		unitchecker.Main(vet.Analyzer)
	}
	cli.Run()
}

// vetTool says whether go vet runs dbprep as its -vettool: it asks for
// -V=full and -flags, then passes one package's .cfg file.
func vetTool(args []string) bool {
	if len(args) == 0 {
		return false
	}
	last := args[len(args)-1]
	return args[0] == "-V=full" || args[0] == "-flags" || strings.HasSuffix(last, ".cfg") && !strings.HasPrefix(last, "-")
}
