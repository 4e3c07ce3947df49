// Package cli is dbprep's command line: the only importer of urfave/cli. Each
// action reads its flags, builds a config and calls one core function.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/vet/finding"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	// ExitUsage is a command line that could not be understood.
	ExitUsage = 2
	// ExitDrift is `migrate check` finding the database out of step with
	// the migrations directory.
	ExitDrift = 3
)

// exitError carries an exit code other than ExitError.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// takesValue says whether the flag called name (with its dashes) among
// flags takes a value.
func takesValue(flags []cli.Flag, name string) bool {
	name = strings.TrimLeft(name, "-")
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			v, ok := f.(cli.DocGenerationFlag)
			return ok && v.TakesValue()
		}
	}
	return false
}

// Program is what a main links into the command line: its engines, in
// the order it lists them, and the query checker behind `dbprep vet` (nil
// in dbprep, which hands `vet` to the dbprep-vet program: HandOffVet).
type Program struct {
	Engines engines.Set
	Vet     finding.Check
}

// Main runs dbprep with args (without the program name) and returns the exit
// code. Errors are printed to stderr as "error: …" with any hint, and with
// every password of the URL in use masked.
func (p Program) Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return p.MainContext(context.Background(), args, stdin, stdout, stderr)
}

// MainContext is Main under ctx: when ctx ends (Run cancels it on SIGINT
// and SIGTERM), the running statement is cancelled and rolled back, the
// migration lock released, and the error says so.
func (p Program) MainContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if i := slices.Index(args, "--workspace"); i >= 0 && !mayPrintHelp(args) {
		return runWorkspace(ctx, p, slices.Delete(slices.Clone(args), i, i+1), stdin, stdout, stderr)
	}
	return run(ctx, &session{prog: p, args: args, stdin: stdin, stdout: stdout, stderr: stderr})
}

// run runs the command line of s.
func run(ctx context.Context, s *session) int {
	args := s.args
	// sqlx-cli accepts --no-dotenv anywhere on the line; so does dbprep.
	if slices.Contains(args, "--no-dotenv") {
		s.noDotenv = true
		args = slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "--no-dotenv" })
	}
	s.helpWanted = mayPrintHelp(args)
	app := NewApp(s)
	args = joinBoolValues(args)
	path, i := findCommand(app, args)
	if !s.helpWanted {
		if globalFlagIn(args[i:]) {
			addGlobalFlags(app.Commands, false)
		}
		if len(path) == 0 || path[0].Name != "completions" {
			onceNamedPath(app, path)
		}
	}
	err := app.RunContext(ctx, append([]string{"dbprep"}, flagsFirst(path, i, args)...))
	if err != nil && ctx.Err() != nil {
		err = interrupted(ctx, err)
	}
	if s.unknownCommand != "" {
		err = &exitError{code: ExitUsage, err: fmt.Errorf("unknown command %q (see `%s --help`)", s.unknownCommand, s.unknownIn)}
	}
	if err == nil {
		return ExitOK
	}
	code := ExitError
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	// The error may hold what a driver or server said, so it is scrubbed of
	// the URL's secrets; the hint is dbprep's own text and names no secret.
	msg := dburl.Scrub(err.Error(), s.rawURL)
	for _, raw := range s.secretURLs {
		msg = dburl.Scrub(msg, raw)
	}
	var kind engine.Engine
	if u, perr := dburl.Parse(s.rawURL); perr == nil {
		kind = u.Engine
	}
	if h := hint(err, kind); h != "" && ctx.Err() == nil {
		msg += "\nhint: " + h
	}
	fmt.Fprintf(s.stderr, "error: %s\n", msg)
	return code
}

// mayPrintHelp says whether a command line may print a command's help: no
// command, a help flag or command, or shell completion. A false negative
// only prints the global flags among the others.
func mayPrintHelp(args []string) bool {
	if len(args) == 0 {
		return true
	}
	for _, a := range args {
		switch a {
		case "-h", "--help", "-help", "help", "h", "--generate-bash-completion":
			return true
		}
	}
	return false
}

// NewApp builds the application for one session (the streams, and what is
// learnt while running: .env, sqlx.toml and the URL in use).
func NewApp(s *session) *cli.App {
	app := &cli.App{
		Name:    "dbprep",
		Usage:   "apply sqlx migrations to SQLite or PostgreSQL, and build reproducible prepared databases",
		Version: version(),
		Reader:  s.stdin, Writer: s.stdout, ErrWriter: s.stderr,
		Flags:                globalFlags(s.helpWanted),
		Commands:             []*cli.Command{databaseCommand(s), migrateCommand(s), prepareCommand(s), schemaCommand(s), vetCommand(s), completionsCommand(s)},
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError:         usageError,
		HideHelpCommand:      true,
	}
	notFound := func(c *cli.Context, name string) {
		s.unknownCommand, s.unknownIn = name, "dbprep"
		if c.Command != nil && c.Command.HelpName != "" {
			s.unknownIn = c.Command.HelpName
		}
	}
	app.CommandNotFound = notFound
	// As sqlx-cli (clap) does, a command line without a command is a usage
	// error: the help goes to stderr and the exit code is 2.
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			notFound(c, c.Args().First())
			return nil
		}
		return noCommand(c, s, "dbprep")
	}
	setUsageError(app.Commands, notFound, s)
	if s.helpWanted {
		addGlobalFlags(app.Commands, true)
	}
	return app
}

// addGlobalFlags gives every leaf command the global flags, so that they
// may stand after the command too, as clap (sqlx-cli) takes them. run adds
// them only to a command line that has one there (or may print help):
// urfave/cli v2 looks every flag of a command up by name, through a regular
// expression, as many times as the command has flags, so each flag a
// command does not need costs every run (a fifth of a no-op `migrate run`'s
// flag handling).
func addGlobalFlags(cmds []*cli.Command, grouped bool) {
	for _, c := range cmds {
		if len(c.Subcommands) == 0 {
			c.Flags = append(c.Flags, globalFlags(grouped)...)
		}
		addGlobalFlags(c.Subcommands, grouped)
	}
}

// globalFlagIn says whether a global option stands in args (the command
// line after the command's name), before any "--".
func globalFlagIn(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if isGlobal(name) {
			return true
		}
	}
	return false
}

// noCommand prints c's help to stderr and is a usage error.
func noCommand(c *cli.Context, s *session, helpName string) error {
	c.App.Writer = s.stderr
	var err error
	if c.Command == nil || c.Command.Name == "" || helpName == "dbprep" {
		err = cli.ShowAppHelp(c)
	} else {
		err = cli.ShowSubcommandHelp(c)
	}
	c.App.Writer = s.stdout
	if err != nil {
		return err
	}
	return &exitError{code: ExitUsage, err: fmt.Errorf("no command given (see `%s --help`)", helpName)}
}

// versionFlag is sqlx-cli's -V/--version; -v is never the version (it is
// prepare's --verbose).
var versionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version"}

// The version flag is dbprep's, and it and the help flag, which urfave/cli
// adds to every command and looks up by name on every run, answer Names
// from a slice (namedBool). Changing the package's variables is how
// urfave/cli documents changing them; help prints them as before (their
// String is the embedded flag's).
func init() {
	cli.VersionFlag = &namedBool{versionFlag, flagNames(versionFlag.Name, versionFlag.Aliases)}
	if f, ok := cli.HelpFlag.(*cli.BoolFlag); ok {
		cli.HelpFlag = &namedBool{f, flagNames(f.Name, f.Aliases)}
	}
}

// setUsageError gives every command dbprep's usage errors and every
// command with subcommands its unknown-command handling.
func setUsageError(cmds []*cli.Command, notFound cli.CommandNotFoundFunc, s *session) {
	for _, c := range cmds {
		c.OnUsageError = usageError
		if len(c.Subcommands) != 0 {
			c.Action = func(c *cli.Context) error {
				if c.NArg() > 0 {
					notFound(c, c.Args().First())
					return nil
				}
				return noCommand(c, s, c.Command.HelpName)
			}
		}
		setUsageError(c.Subcommands, notFound, s)
	}
}

func usageError(c *cli.Context, err error, _ bool) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf("%w (see `%s --help`)", err, c.Command.HelpName)}
}

// action adapts a session function to urfave's action signature, checking
// that the command takes no stray arguments unless it wants them.
func action(s *session, maxArgs int, fn func(c *cli.Context) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() > maxArgs {
			return &exitError{code: ExitUsage, err: fmt.Errorf("unexpected argument %q (see `%s --help`)", c.Args().Get(maxArgs), c.Command.HelpName)}
		}
		if err := s.load(c); err != nil {
			return err
		}
		return fn(c)
	}
}

// Version is set at link time by builds that know it (the flake:
// -X github.com/dbprep/dbprep/internal/cli.Version=…).
var Version string

// version is Version, else the module version `go install …@v1.2.3`
// records, else the VCS revision of a build from a checkout.
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	settings := map[string]string{}
	for _, kv := range bi.Settings {
		settings[kv.Key] = kv.Value
	}
	rev := settings["vcs.revision"]
	if rev == "" {
		return "(devel)"
	}
	v := "(devel) " + rev[:min(12, len(rev))]
	if t := settings["vcs.time"]; t != "" {
		v += " " + t
	}
	if settings["vcs.modified"] == "true" {
		v += " (modified)"
	}
	return v
}

// program without the query checker (Vet nil) run as go vet's -vettool
// hands its command line to dbprep-vet.
func (p Program) Run() {
	if err := CheckHandOff(); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(ExitError)
	}
	if p.Vet == nil && IsVetTool(os.Args[1:]) {
		err := HandOffVet(os.Args[1:])
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(ExitError)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		// A second signal ends dbprep at once, as without this handler.
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		cancel(&signalError{sig})
	}()
	os.Exit(p.MainContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// signalError is the cause of a context a signal ended.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted by " + signalName(e.sig) }

func signalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// interrupted is err, from a command whose context a signal ended, told as
// such, with the shell's exit code for the signal (130, 143).
func interrupted(ctx context.Context, err error) error {
	code := 130
	var se *signalError
	if errors.As(context.Cause(ctx), &se) && se.sig == syscall.SIGTERM {
		code = 143
	}
	var ee *ledger.ExecError
	switch {
	case errors.As(err, &ee) && ee.NoTx:
		err = fmt.Errorf("migration %d ran outside a transaction (-- no-transaction): what it did before the cancel stays, its ledger row says success = false (dirty), and the migration lock is released (%v)", ee.Version, err)
	case errors.As(err, &ee):
		err = fmt.Errorf("migration %d was cancelled and rolled back, and the migration lock is released; earlier migrations stay applied (%v)", ee.Version, err)
	}
	return &exitError{code: code, err: fmt.Errorf("%v: %v", context.Cause(ctx), err)}
}
