package vet

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"maps"
	"strings"

	"github.com/dbprep/dbprep/internal/engine"
)

// engineDirective declares a file's engine: "//dbprep:engine postgres".
const engineDirective = "//dbprep:engine"

// engineNames are the names a directive, a --engine-url or a
// --engine-tag may give an engine by.
var engineNames = map[string]engine.Engine{
	"sqlite": engine.SQLite, "sqlite3": engine.SQLite,
	"postgres": engine.Postgres, "postgresql": engine.Postgres, "pg": engine.Postgres,
	"mysql": engine.MySQL, "mariadb": engine.MySQL,
}

// DefaultEngineTags are the build tags that declare a file's engine
// unless --engine-tag says otherwise: the engines' names (a file built
// only with the tag postgres holds PostgreSQL's queries).
func DefaultEngineTags() map[string]engine.Engine { return maps.Clone(engineNames) }

// ParseEngine reads an engine's name.
func ParseEngine(name string) (engine.Engine, error) {
	if e, ok := engineNames[strings.ToLower(name)]; ok {
		return e, nil
	}
	return 0, fmt.Errorf("unknown engine %q: use sqlite, postgres or mysql", name)
}

// fileEngine is the engine f declares, 0 for none: a //dbprep:engine
// comment, else a build constraint that requires a tag tags maps to an
// engine (//go:build postgres, //go:build postgres && !windows). A file
// that declares two engines is an error.
func fileEngine(f *ast.File, tags map[string]engine.Engine) (engine.Engine, string, error) {
	var found engine.Engine
	var how string
	set := func(e engine.Engine, why string) error {
		if found != 0 && found != e {
			return fmt.Errorf("the file declares two engines: %s (%s) and %s (%s)", found, how, e, why)
		}
		found, how = e, why
		return nil
	}
	for _, g := range f.Comments {
		for _, c := range g.List {
			rest, ok := strings.CutPrefix(c.Text, engineDirective)
			if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				continue
			}
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0, "", fmt.Errorf("%s names no engine: write %s sqlite, %s postgres or %s mysql", engineDirective, engineDirective, engineDirective, engineDirective)
			}
			e, err := ParseEngine(fields[0])
			if err != nil {
				return 0, "", fmt.Errorf("%s: %v", engineDirective, err)
			}
			if err := set(e, engineDirective+" "+fields[0]); err != nil {
				return 0, "", err
			}
		}
	}
	if found != 0 {
		return found, how, nil
	}
	for _, g := range f.Comments {
		if g.Pos() >= f.Package {
			break
		}
		for _, c := range g.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				continue
			}
			for _, tag := range required(expr) {
				if e, ok := tags[tag]; ok {
					if err := set(e, "//go:build "+tag); err != nil {
						return 0, "", err
					}
				}
			}
		}
	}
	return found, how, nil
}

// required are the tags expr cannot be satisfied without: the tags of an
// AND of tags (a || b requires neither).
func required(expr constraint.Expr) []string {
	switch x := expr.(type) {
	case *constraint.TagExpr:
		return []string{x.Tag}
	case *constraint.AndExpr:
		return append(required(x.X), required(x.Y)...)
	}
	return nil
}
