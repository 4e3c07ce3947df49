package cli

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/lint"
)

func lintCommand(s *session) *cli.Command {
	return &cli.Command{
		Name:        "lint",
		Usage:       "check the migrations directory for what sqlx would skip, refuse or regret (no database needed)",
		Description: "Prints file:line: severity: message [rule]. Exit 1 on any error (with --strict, on any warning too), 0 otherwise.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.BoolFlag{Name: "strict", Usage: "warnings fail too"},
		},
		Action: action(s, 0, s.migrateLint),
	}
}

func (s *session) migrateLint(c *cli.Context) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	findings, err := lint.Dir(s.source(c), lint.Options{IgnoredChars: s.config.Ignored()})
	if err != nil {
		return err
	}
	var errs, warns int
	for _, f := range findings {
		if f.Severity == lint.Error {
			errs++
		} else {
			warns++
		}
	}
	if c.String("format") == "json" {
		if findings == nil {
			findings = []lint.Finding{}
		}
		enc := json.NewEncoder(s.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(findings); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			s.printf("%s\n", f)
		}
	}
	if errs > 0 || c.Bool("strict") && warns > 0 {
		return fmt.Errorf("lint: %d error(s), %d warning(s) in %s", errs, warns, s.source(c))
	}
	if c.String("format") == "text" {
		s.printf("lint: %d warning(s), no errors in %s\n", warns, s.source(c))
	}
	return nil
}
