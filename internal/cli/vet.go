package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/vet/finding"
)

func vetCommand(s *session) *cli.Command {
	return &cli.Command{
		Name:      "vet",
		Usage:     "check the SQL in Go code against DATABASE_URL: every query known at compile time is prepared, never run",
		ArgsUsage: "[packages]",
		Description: "Finds the calls of database/sql, pgx v5 and jmoiron/sqlx whose SQL is a constant (or a variable only ever set to constants) " +
			"and prepares each query against the database: syntax, tables, columns, parameters against arguments, result columns against Scan " +
			"and Get/Select destinations, and a column that can be NULL scanned into a value that cannot hold it (--null). Prints file:line:col: message, sorted, as go vet does. Exit 0 clean, 1 problems found, 2 usage. " +
			"//dbprep:ignore on the line, the line above, or a function's or file's doc comment skips the queries there; //dbprep:ignore null skips only the NULL check. Packages default to ./...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "tags", Usage: "comma-separated build tags, as go build -tags"},
			&cli.BoolFlag{Name: "tests", Value: true, Usage: "check test files too, as go vet does"},
			&cli.StringSliceFlag{Name: "engine-url", Usage: "ENGINE=URL: the database for the files of ENGINE (sqlite, postgres or mysql) when it is not DATABASE_URL's; " +
				"a file declares its engine with //dbprep:engine postgres or a build tag (--engine-tag); repeatable"},
			&cli.StringSliceFlag{Name: "engine-tag", Usage: "TAG=ENGINE: files built only with TAG hold ENGINE's queries (default: sqlite, sqlite3 → sqlite; postgres, postgresql, pg → postgres; mysql, mariadb → mysql); repeatable"},
			&cli.StringFlag{Name: "null", Value: "default", Usage: "a column that can be NULL scanned into a value that cannot hold NULL: " +
				"off; default (reported when the column has no NOT NULL and no DEFAULT, is on the nullable side of an outer join, or is an aggregate over no rows); " +
				"strict (also when it has a DEFAULT: sqlx's rule)"},
			&cli.StringFlag{Name: "sqlx-mapper", Usage: "how jmoiron/sqlx names a struct field without a db tag: lower (sqlx's default), snake (RangeID is range_id), or unknown " +
				"(field names not checked); default: what the package sets with db.MapperFunc or db.Mapper = reflectx.NewMapperFunc, else lower"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list the calls whose SQL is built at run time (skipped), and count the calls checked and skipped in each package"},
		},
		Action: func(c *cli.Context) error {
			if s.prog.Vet == nil {
				return HandOffVet(s.args)
			}
			return action(s, math.MaxInt, s.vet)(c)
		},
	}
}

func (s *session) vet(c *cli.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	switch n := c.String("null"); n {
	case "off", "default", "strict":
	default:
		return &exitError{code: ExitUsage, err: fmt.Errorf("--null %q: use off, default or strict", n)}
	}
	u, err := s.databaseURL(c)
	if err != nil {
		return err
	}
	against := []string{u.String()}
	// The environment's other databases, then --engine-url's, which win.
	engineURLs := append(strings.Fields(os.Getenv("DBPREP_VET_ENGINE_URLS")), c.StringSlice("engine-url")...)
	for _, eu := range engineURLs {
		_, raw, _ := strings.Cut(eu, "=")
		s.secretURLs = append(s.secretURLs, raw)
		if pu, err := dburl.Parse(raw); err == nil {
			against = append(against, pu.String())
		}
	}
	rep, err := s.prog.Vet(c.Context, finding.Request{
		Patterns:       c.Args().Slice(),
		Tags:           c.String("tags"),
		Tests:          c.Bool("tests"),
		Null:           c.String("null"),
		SqlxMapper:     c.String("sqlx-mapper"),
		EngineURLs:     engineURLs,
		EngineTags:     c.StringSlice("engine-tag"),
		URL:            s.rawURL,
		ConnectTimeout: connectTimeout(c),
		OnWait:         s.waiting,
	})
	if err != nil {
		return err
	}
	if c.Bool("verbose") {
		s.printSkipped(rep)
	}
	if err := s.printProblems(c, rep); err != nil {
		return err
	}
	if n := len(rep.Problems); n > 0 {
		return &exitError{code: ExitError, err: fmt.Errorf("vet: %d problem(s) in queries checked against %s", n, strings.Join(against, " and "))}
	}
	if c.String("format") == "text" {
		if n := len(rep.SkipReasons); n > 0 {
			fmt.Fprintf(s.stderr, "vet: no problems (%s skipped as built at run time, %d for want of a database of their file's engine: -v lists them)\n",
				pluralCount(len(rep.Skipped)-n, "call"), n)
		} else {
			fmt.Fprintf(s.stderr, "vet: no problems (%s skipped as built at run time)\n", pluralCount(len(rep.Skipped), "call"))
		}
	}
	return nil
}

// printSkipped lists on stderr every call not checked, with why, and each
// package's counts (-v).
func (s *session) printSkipped(rep finding.Report) {
	for _, p := range rep.Skipped {
		why := rep.SkipReasons[p.String()]
		if why == "" {
			why = "the SQL is built at run time"
		}
		fmt.Fprintf(s.stderr, "%s: skipped: %s\n", p, why)
	}
	for _, p := range rep.Packages {
		fmt.Fprintf(s.stderr, "vet: %s: %s checked, %d skipped\n", p.Path, pluralCount(p.Checked, "call"), p.Skipped)
	}
}

// printProblems prints the problems on stdout, as lines or as JSON.
func (s *session) printProblems(c *cli.Context, rep finding.Report) error {
	if c.String("format") != "json" {
		for _, p := range rep.Problems {
			s.printf("%s\n", p)
		}
		return nil
	}
	problems := rep.Problems
	if problems == nil {
		problems = []finding.Problem{}
	}
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(problems)
}

func pluralCount(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
