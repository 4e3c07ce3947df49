package cli

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli v2 computes a flag's names each time it is asked for them,
// through a regular expression (FlagNames), and asks for them as it looks
// each flag up by name: for every flag of a command, once per flag before
// it. A no-op `migrate run` over 100 files spent a tenth of its
// instructions there. These types answer with the names computed once.
//
// They stand in for the flags of a run that cannot print help or shell
// completions (onceNamed), the only places where urfave/cli tells flags
// apart by their concrete type.
type (
	namedBool struct {
		*cli.BoolFlag
		names []string
	}
	namedString struct {
		*cli.StringFlag
		names []string
	}
	namedStringSlice struct {
		*cli.StringSliceFlag
		names []string
	}
	namedGeneric struct {
		*cli.GenericFlag
		names []string
	}
	namedInt64 struct {
		*cli.Int64Flag
		names []string
	}
)

func (f *namedBool) Names() []string        { return f.names }
func (f *namedString) Names() []string      { return f.names }
func (f *namedStringSlice) Names() []string { return f.names }
func (f *namedGeneric) Names() []string     { return f.names }
func (f *namedInt64) Names() []string       { return f.names }

// onceNamed replaces flags' flags of the types above with ones that compute
// their names once; other flags are left as they are.
func onceNamed(flags []cli.Flag) {
	for i, f := range flags {
		switch f := f.(type) {
		case *cli.BoolFlag:
			flags[i] = &namedBool{f, flagNames(f.Name, f.Aliases)}
		case *cli.StringFlag:
			flags[i] = &namedString{f, flagNames(f.Name, f.Aliases)}
		case *cli.StringSliceFlag:
			flags[i] = &namedStringSlice{f, flagNames(f.Name, f.Aliases)}
		case *cli.GenericFlag:
			flags[i] = &namedGeneric{f, flagNames(f.Name, f.Aliases)}
		case *cli.Int64Flag:
			flags[i] = &namedInt64{f, flagNames(f.Name, f.Aliases)}
		}
	}
}

// flagNames is cli.FlagNames (a flag's name and aliases, each cut at its
// first comma or space) without its regular expression, which costs more
// than the rest of a flag's set-up; a name with a comma or a space goes to
// cli.FlagNames itself.
func flagNames(name string, aliases []string) []string {
	names := make([]string, 0, 1+len(aliases))
	for _, part := range append([]string{name}, aliases...) {
		if strings.ContainsAny(part, ", ") {
			return cli.FlagNames(name, aliases)
		}
		names = append(names, part)
	}
	return names
}

// onceNamedPath applies onceNamed to the app's flags and to those of the
// commands on path, the only ones a run looks up.
func onceNamedPath(app *cli.App, path []*cli.Command) {
	onceNamed(app.Flags)
	for _, c := range path {
		onceNamed(c.Flags)
	}
}
