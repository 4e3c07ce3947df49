// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
//
// Run by go vet as a vet tool (go vet -vettool=$(which dbprep)), it is the
// query checker of dbprep vet, one package at a time.
package main

import (
	"os"
	"path/filepath"
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
// -V=full and -flags, then passes analyzer flags and one package's
// vet.cfg (the name cmd/go gives that file).
func vetTool(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if len(args) == 1 && (args[0] == "-V=full" || args[0] == "-flags") {
		return true
	}
	for _, a := range args[:len(args)-1] {
		if !strings.HasPrefix(a, "-") {
			return false
		}
	}
	return filepath.Base(args[len(args)-1]) == "vet.cfg"
}
