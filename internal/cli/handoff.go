package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// VetProgram is the program `dbprep vet` hands its command line to: dbprep
// with the analyzer linked in (cmd/dbprep-vet).
const VetProgram = "dbprep-vet"

// HandOffVet replaces this process with dbprep-vet, run with args (the
// command line without the program name), so `dbprep vet …` and
// `go vet -vettool=$(which dbprep)` behave as if dbprep held the analyzer.
// dbprep-vet is looked for beside the running dbprep first (one build: the
// Nix package, `go install …/cmd/...`), then on PATH. It returns only on
// failure.
func HandOffVet(args []string) error {
	path, err := vetProgram()
	if err != nil {
		return err
	}
	if from := os.Getenv(handOffEnv); from != "" {
		// A dbprep installed under dbprep-vet's name would hand off to itself
		// for ever.
		return &exitError{code: ExitError, err: fmt.Errorf("%s, run by %s, does not hold the query checker: it is a copy of dbprep; "+
			"install the real one: go install github.com/dbprep/dbprep/cmd/...@%s", path, from, installVersion())}
	}
	self, _ := os.Executable()
	err = syscall.Exec(path, append([]string{path}, args...), append(os.Environ(), handOffEnv+"="+self))
	return fmt.Errorf("running %s: %w", path, err)
}

// handOffEnv names, in dbprep-vet's environment, the dbprep that ran it.
const handOffEnv = "DBPREP_VET_HANDED_OFF_BY"

func vetProgram() (string, error) {
	var beside string
	if self, err := os.Executable(); err == nil {
		if self, err := filepath.EvalSymlinks(self); err == nil {
			beside = filepath.Join(filepath.Dir(self), VetProgram)
			if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return beside, nil
			}
		}
	}
	if path, err := exec.LookPath(VetProgram); err == nil {
		return path, nil
	}
	where := "on PATH"
	if beside != "" {
		where = "beside dbprep (" + beside + ") or on PATH"
	}
	return "", &exitError{code: ExitError, err: fmt.Errorf("dbprep vet runs %s, the query checker, which is not installed: it was looked for %s; "+
		"install it with dbprep: go install github.com/dbprep/dbprep/cmd/...@%s", VetProgram, where, installVersion())}
}

// installVersion is the version to name in `go install …@`: this build's
// module version when it has one, else latest.
func installVersion() string {
	v := version()
	if strings.HasPrefix(v, "v") && !strings.Contains(v, "devel") {
		return v
	}
	return "latest"
}

// IsVetTool says whether go vet runs this program as its -vettool: it asks
// for -V=full and -flags, then passes analyzer flags and one package's
// vet.cfg (the name cmd/go gives that file).
func IsVetTool(args []string) bool {
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
