package cli

import "github.com/urfave/cli/v2"

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
			flags[i] = &namedBool{f, f.Names()}
		case *cli.StringFlag:
			flags[i] = &namedString{f, f.Names()}
		case *cli.StringSliceFlag:
			flags[i] = &namedStringSlice{f, f.Names()}
		case *cli.GenericFlag:
			flags[i] = &namedGeneric{f, f.Names()}
		case *cli.Int64Flag:
			flags[i] = &namedInt64{f, f.Names()}
		}
	}
}

// onceNamedPath applies onceNamed to the app's flags and to those of the
// commands on path, the only ones a run looks up.
func onceNamedPath(app *cli.App, path []*cli.Command) {
	onceNamed(app.Flags)
	for _, c := range path {
		onceNamed(c.Flags)
	}
}
