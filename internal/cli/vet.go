package cli

import (
	"encoding/json"
	"fmt"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/vet"
)

func vetCommand(s *session) *cli.Command {
	return &cli.Command{
		Name:      "vet",
		Usage:     "check the SQL in Go code against DATABASE_URL: every query known at compile time is prepared, never run",
		ArgsUsage: "[packages]",
		Description: "Finds the calls of database/sql, pgx v5 and jmoiron/sqlx whose SQL is a constant (or a variable only ever set to constants) " +
			"and prepares each query against the database: syntax, tables, columns, parameters against arguments, result columns against Scan " +
			"and Get/Select destinations. Prints file:line:col: message, sorted, as go vet does. Exit 0 clean, 1 problems found, 2 usage. " +
			"//dbprep:ignore on the line, the line above, or a function's or file's doc comment skips the queries there. Packages default to ./...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "tags", Usage: "comma-separated build tags, as go build -tags"},
			&cli.BoolFlag{Name: "tests", Value: true, Usage: "check test files too, as go vet does"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list the calls whose SQL is built at run time (skipped)"},
		},
		Action: action(s, math.MaxInt, s.vet),
	}
}

// vetProblem is one finding, as --format json prints it.
type vetProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (p vetProblem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

func (s *session) vet(c *cli.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	u, err := s.databaseURL(c)
	if err != nil {
		return err
	}
	patterns := c.Args().Slice()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	var open *querycheck.Checker
	defer func() {
		if open != nil {
			open.Close()
		}
	}()
	a := vet.New(func() (*querycheck.Checker, error) {
		ch, err := vet.OpenURLWith(s.rawURL, querycheck.Options{ConnectTimeout: connectTimeout(c), OnWait: s.waiting})
		open = ch
		return ch, err
	})
	cfg := &packages.Config{Mode: packages.LoadSyntax, Context: c.Context, Tests: c.Bool("tests")}
	if tags := c.String("tags"); tags != "" {
		cfg.BuildFlags = []string{"-tags=" + tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e.Error())
		}
	})
	if len(loadErrs) > 0 {
		return fmt.Errorf("the packages do not build, so their queries cannot be checked:\n%s", strings.Join(loadErrs, "\n"))
	}
	if len(pkgs) == 0 {
		return fmt.Errorf("no Go packages match %s", strings.Join(patterns, " "))
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		return err
	}
	wd, _ := os.Getwd()
	rel := func(p token.Position) token.Position {
		if r, err := filepath.Rel(wd, p.Filename); err == nil && !strings.HasPrefix(r, "..") {
			p.Filename = r
		}
		return p
	}
	seen := map[string]bool{}
	var problems []vetProblem
	var skipped []token.Position
	for _, act := range graph.Roots {
		if act.Err != nil {
			return act.Err
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			p := rel(fset.Position(d.Pos))
			pr := vetProblem{File: p.Filename, Line: p.Line, Column: p.Column, Message: d.Message}
			if !seen[pr.String()] { // a package and its test variant share files
				seen[pr.String()] = true
				problems = append(problems, pr)
			}
		}
		if r, ok := act.Result.(*vet.Skipped); ok && r != nil {
			for _, p := range r.Calls {
				if p = rel(p); !seen["skip "+p.String()] {
					seen["skip "+p.String()] = true
					skipped = append(skipped, p)
				}
			}
		}
	}
	sort.Slice(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Message < b.Message
	})
	if c.Bool("verbose") {
		sort.Slice(skipped, func(i, j int) bool { return skipped[i].String() < skipped[j].String() })
		for _, p := range skipped {
			fmt.Fprintf(s.stderr, "%s: skipped: the SQL is built at run time\n", p)
		}
	}
	if c.String("format") == "json" {
		if problems == nil {
			problems = []vetProblem{}
		}
		enc := json.NewEncoder(s.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(problems); err != nil {
			return err
		}
	} else {
		for _, p := range problems {
			s.printf("%s\n", p)
		}
	}
	if len(problems) > 0 {
		return &exitError{code: ExitError, err: fmt.Errorf("vet: %d problem(s) in queries checked against %s", len(problems), u)}
	}
	if c.String("format") == "text" {
		fmt.Fprintf(s.stderr, "vet: no problems (%s skipped as built at run time)\n", pluralCount(len(skipped), "call"))
	}
	return nil
}

func pluralCount(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
