package cli

import (
	"io"
	"reflect"
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// The flags onceNamed stands in are the same flags to urfave/cli: the same
// names, and every optional interface urfave/cli asks a flag for (required,
// visible, taking a value, actions, categories) answered the same; and
// every flag of every command is stood in for (a flag type onceNamed lacks
// fails here).
func TestOnceNamedKeepsFlags(t *testing.T) {
	optional := []reflect.Type{
		reflect.TypeFor[cli.RequiredFlag](), reflect.TypeFor[cli.VisibleFlag](), reflect.TypeFor[cli.DocGenerationFlag](),
		reflect.TypeFor[cli.ActionableFlag](), reflect.TypeFor[cli.CategorizableFlag](),
	}
	newApp := func() *cli.App {
		app := NewApp(&session{stdout: io.Discard, stderr: io.Discard})
		addGlobalFlags(app.Commands, false)
		return app
	}
	var leaves [][]string
	var walk func(path []string, cmds []*cli.Command)
	walk = func(path []string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := append(slices.Clone(path), c.Name)
			if len(c.Subcommands) == 0 {
				leaves = append(leaves, p)
			}
			walk(p, c.Subcommands)
		}
	}
	walk(nil, newApp().Commands)
	for _, leaf := range leaves {
		app := newApp()
		path, _ := findCommand(app, leaf)
		before := [][]cli.Flag{slices.Clone(app.Flags)}
		for _, c := range path {
			before = append(before, slices.Clone(c.Flags))
		}
		onceNamedPath(app, path)
		after := [][]cli.Flag{app.Flags}
		for _, c := range path {
			after = append(after, c.Flags)
		}
		for i := range before {
			for j, old := range before[i] {
				f := after[i][j]
				if reflect.TypeOf(f) == reflect.TypeOf(old) {
					t.Errorf("%v: flag --%s (%T) is not stood in for: onceNamed lacks its type", leaf, old.Names()[0], old)
					continue
				}
				if !slices.Equal(f.Names(), old.Names()) {
					t.Errorf("%v: flag %v: names %v", leaf, old.Names(), f.Names())
				}
				for _, it := range optional {
					if reflect.TypeOf(old).Implements(it) != reflect.TypeOf(f).Implements(it) {
						t.Errorf("%v: flag %v: %T implements %v: %v; %T: %v", leaf, old.Names(), old, it, reflect.TypeOf(old).Implements(it), f, !reflect.TypeOf(old).Implements(it))
					}
				}
				if d, ok := old.(cli.DocGenerationFlag); ok && d.TakesValue() != f.(cli.DocGenerationFlag).TakesValue() {
					t.Errorf("%v: flag %v: TakesValue differs", leaf, old.Names())
				}
			}
		}
	}
	if len(leaves) < 10 {
		t.Fatalf("found %d commands: %v", len(leaves), leaves)
	}
}

// The help and version flags stand in for urfave/cli's, with the same
// names, and flagNames agrees with cli.FlagNames, also where a name holds a
// comma or a space (urfave/cli v1's form, which cli.FlagNames cuts).
func TestFlagNames(t *testing.T) {
	for _, f := range []cli.Flag{cli.HelpFlag, cli.VersionFlag} {
		n, ok := f.(*namedBool)
		if !ok {
			t.Fatalf("%T is not stood in for", f)
		}
		if want := cli.FlagNames(n.Name, n.Aliases); !slices.Equal(n.Names(), want) || len(want) == 0 {
			t.Errorf("names %v, want %v", n.Names(), want)
		}
	}
	for _, c := range []struct {
		name    string
		aliases []string
	}{{"url", nil}, {"database-url", []string{"D"}}, {" source ", []string{"s", " x"}}, {"a, b", []string{"c"}}, {"a b", nil}, {"", nil}} {
		if got, want := flagNames(c.name, c.aliases), cli.FlagNames(c.name, c.aliases); !slices.Equal(got, want) {
			t.Errorf("flagNames(%q, %q) = %q, want %q", c.name, c.aliases, got, want)
		}
	}
}
