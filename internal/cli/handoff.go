package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// dbprep is two programs, built from one command line (this package):
//
//   - dbprep: every engine, every command;
//   - dbprep-vet (cmd/dbprep-vet): dbprep with the query checker linked in;
//     dbprep hands it `dbprep vet` and go vet's -vettool runs (go vet runs
//     a program of its own, and the checker's packages would slow every
//     other command's start).
//
// `go install github.com/dbprep/dbprep/cmd/...` installs the two side by
// side, as does the Nix package.

// VetProgram is the program `dbprep vet` hands its command line to.
const VetProgram = "dbprep-vet"

// HandOffVet replaces this process with dbprep-vet, run with args (the
// command line without the program name), so `dbprep vet …` and
// `go vet -vettool=$(which dbprep)` behave as if dbprep held the analyzer.
// It returns only on failure.
func HandOffVet(args []string) error {
	return handOff(VetProgram, "dbprep vet runs "+VetProgram+", the query checker", "the query checker", args)
}

// handOff replaces this process with program, run with args. program is
// looked for beside the running dbprep first (one build: the Nix package,
// `go install …/cmd/...`), then on PATH. why says what the program is for,
// holds what it links (for the error when a copy of dbprep stands in its
// place).
func handOff(program, why, holds string, args []string) error {
	path, err := findProgram(program, why)
	if err != nil {
		return err
	}
	if from := os.Getenv(handOffEnv); from != "" {
		// A dbprep installed under the program's name would hand off to
		// itself for ever.
		return &exitError{code: ExitError, err: fmt.Errorf("%s, run by %s, does not hold %s: it is a copy of dbprep; "+
			"install the real one: go install github.com/dbprep/dbprep/cmd/...@%s", path, from, holds, installVersion())}
	}
	self, _ := os.Executable()
	err = syscall.Exec(path, append([]string{path}, args...), append(os.Environ(), handOffEnv+"="+self, handOffVersionEnv+"="+version()))
	return fmt.Errorf("running %s: %w", path, err)
}

const (
	// handOffEnv names, in the environment of the program handed to, the
	// dbprep that ran it.
	handOffEnv = "DBPREP_HANDED_OFF_BY"
	// handOffVersionEnv holds that dbprep's version (version()).
	handOffVersionEnv = "DBPREP_HANDED_OFF_VERSION"
)

// CheckHandOff refuses a command handed over by a dbprep of another version
// than this program's: a dbprep-vet found on PATH from
// another install, whose rules (the sqlx release followed by default) and
// flags may differ from those of the dbprep the user ran. The two
// programs of one build always agree; two development builds ("(devel)",
// go run and go build in a checkout, which go run does not stamp with the
// commit) are let through. Every program's main calls it first.
func CheckHandOff() error {
	v, ok := os.LookupEnv(handOffVersionEnv)
	if !ok || v == version() || strings.HasPrefix(v, "(devel)") && strings.HasPrefix(version(), "(devel)") {
		return nil
	}
	self, _ := os.Executable()
	install := "go install github.com/dbprep/dbprep/cmd/...@latest"
	switch {
	case strings.HasPrefix(v, "v"):
		install = "go install github.com/dbprep/dbprep/cmd/...@" + v
	case strings.HasPrefix(v, "(devel)"):
		// go run or go build in a checkout, handing to a release on PATH:
		// the other programs of that checkout are what it wants.
		install = "go install ./cmd/... in the checkout dbprep was built from (go run builds dbprep alone)"
	}
	return &exitError{code: ExitError, err: fmt.Errorf("%s is version %s, but the dbprep that handed it this command (%s) is version %s: "+
		"install the programs together, from one version: %s", self, version(), os.Getenv(handOffEnv), v, install)}
}

func findProgram(program, why string) (string, error) {
	var beside string
	if self, err := os.Executable(); err == nil {
		if self, err := filepath.EvalSymlinks(self); err == nil {
			beside = filepath.Join(filepath.Dir(self), program)
			if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return beside, nil
			}
		}
	}
	if path, err := exec.LookPath(program); err == nil {
		return path, nil
	}
	where := "on PATH"
	if beside != "" {
		where = "beside dbprep (" + beside + ") or on PATH"
	}
	return "", &exitError{code: ExitError, err: fmt.Errorf("%s, which is not installed: it was looked for %s; "+
		"install it with dbprep: go install github.com/dbprep/dbprep/cmd/...@%s", why, where, installVersion())}
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
