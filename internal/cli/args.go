package cli

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// findCommand finds the command args name (aliases resolved), skipping the
// global flags before it: the commands from the top to the deepest named,
// and the index in args after its name.
func findCommand(app *cli.App, args []string) ([]*cli.Command, int) {
	var path []*cli.Command
	cmds, i := app.Commands, 0
	for i < len(args) && len(cmds) > 0 {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if !strings.Contains(a, "=") && takesValue(app.Flags, a) {
				i++
			}
			i++
			continue
		}
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(a) {
				next = c
			}
		}
		if next == nil {
			break
		}
		path = append(path, next)
		cmds = next.Subcommands
		i++
	}
	return path, i
}

// flagsFirst moves the flags given after `migrate add`'s description
// before it, as clap (sqlx-cli) accepts them anywhere and urfave/cli stops
// reading flags at the first argument: `migrate add -r foo --sqlx-compat
// 0.9` means `migrate add -r --sqlx-compat 0.9 foo`. "--" ends the flags.
// path and i are findCommand's for args.
func flagsFirst(path []*cli.Command, i int, args []string) []string {
	var leaf *cli.Command
	if len(path) > 0 && len(path[len(path)-1].Subcommands) == 0 {
		leaf = path[len(path)-1]
	}
	if leaf == nil || leaf.Name != "add" {
		return args
	}
	var flags, positional []string
	for j := i; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "--":
			positional = append(positional, args[j:]...)
			j = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			if !strings.Contains(a, "=") && takesValue(leaf.Flags, a) && j+1 < len(args) {
				flags = append(flags, args[j+1])
				j++
			}
		default:
			positional = append(positional, a)
		}
	}
	return append(append(slices.Clone(args[:i]), flags...), positional...)
}

// valueBoolFlags take a value in sqlx-cli (`--sqlite-create-db-wal false`).
var valueBoolFlags = []string{"--sqlite-create-db-wal"}

// joinBoolValues turns `--flag false` into `--flag=false` for the boolean
// flags that sqlx-cli gives a separate value.
func joinBoolValues(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if slices.Contains(valueBoolFlags, a) && i+1 < len(args) {
			switch args[i+1] {
			case "true", "false":
				a += "=" + args[i+1]
				i++
			}
		}
		out = append(out, a)
	}
	return out
}

// Run is main's body: dbprep with os.Args, exiting with its code. A
