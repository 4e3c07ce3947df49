package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/effect"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/lint"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

func lintCommand(s *session) *cli.Command {
	return &cli.Command{
		Name:  "lint",
		Usage: "check the migrations directory for what sqlx would skip, refuse or regret (no database needed); with --base, what a change does to a release",
		Description: "Prints file:line: severity: message [rule]. Exit 1 on any error (with --strict, on any warning too), 0 otherwise. " +
			"With --base REV|DIR|URL (a git revision, e.g. origin/main or v1.4.0, a directory holding the released migrations, or a database the release was applied to), also: " +
			"a released migration edited, removed or renamed, and a new one whose version sorts before the release's newest. " +
			"A line `-- dbprep:allow RULE why` in a migration accepts that rule there: it is shown as allowed, never failing.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json, or github (workflow commands: annotations on the pull request's lines)"},
			&cli.BoolFlag{Name: "strict", Usage: "warnings fail too"},
			&cli.StringFlag{Name: "scratch-url", Usage: "with --base: a PostgreSQL server where a throwaway database is made to apply the migrations to; sqlite: for a throwaway SQLite file, the default, where a failing new migration then is an error, not a warning"},
			&cli.StringFlag{Name: "base", Usage: "what is released: a git revision (a branch, tag or commit), a directory of migrations, or a database URL (its ledger, read only)"},
		},
		Action: action(s, 0, s.migrateLint),
	}
}

func (s *session) migrateLint(c *cli.Context) error {
	format := c.String("format")
	switch format {
	case "text", "json", "github":
	default:
		return &exitError{code: ExitUsage, err: fmt.Errorf("--format %q: use text, json or github", format)}
	}
	src, opts := s.path(s.source(c)), lint.Options{IgnoredChars: s.config.Ignored()}
	findings, err := lint.Dir(src, opts)
	if err != nil {
		return err
	}
	if base := c.String("base"); base != "" {
		more, err := s.againstBase(c, base, src, opts)
		if err != nil {
			return err
		}
		findings = append(findings, more...)
	}
	count := map[lint.Severity]int{}
	for i, f := range findings {
		count[f.Severity]++
		// A workspace member's files are named from its directory, as
		// the user writes them.
		if s.dir != "" {
			findings[i].File = strings.TrimPrefix(f.File, s.dir+string(filepath.Separator))
		}
	}
	if err := s.printFindings(format, findings); err != nil {
		return err
	}
	errs, warns := count[lint.Error], count[lint.Warning]
	allowed := ""
	if n := count[lint.Allowed]; n > 0 {
		allowed = fmt.Sprintf(", %d allowed", n)
	}
	if errs > 0 || c.Bool("strict") && warns > 0 {
		return fmt.Errorf("lint: %d error(s), %d warning(s)%s in %s", errs, warns, allowed, s.source(c))
	}
	if format == "text" {
		s.printf("lint: %d warning(s)%s, no errors in %s\n", warns, allowed, s.source(c))
	}
	return nil
}

// againstBase are the history and effect rules' findings of the
// migrations in src against the release base.
func (s *session) againstBase(c *cli.Context, base, src string, opts lint.Options) ([]lint.Finding, error) {
	var rel lint.Released
	var err error
	if strings.Contains(base, "://") || strings.HasPrefix(base, "sqlite:") {
		rel, err = s.releasedDatabase(c, base)
	} else {
		rel, err = lint.ReleasedAt(c.Context, base, src)
	}
	if err != nil {
		return nil, err
	}
	history, err := lint.History(rel, src, opts)
	if err != nil {
		return nil, err
	}
	effects, err := s.effects(c, rel, src, opts)
	return append(history, effects...), err
}

// printFindings prints findings in format: text, json or github.
func (s *session) printFindings(format string, findings []lint.Finding) error {
	switch format {
	case "json":
		if findings == nil {
			findings = []lint.Finding{}
		}
		enc := json.NewEncoder(s.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(findings)
	case "github":
		for _, f := range findings {
			s.printf("%s\n", githubAnnotation(f))
		}
	default:
		for _, f := range findings {
			s.printf("%s\n", f)
		}
	}
	return nil
}

// effects runs the effect rules (internal/effect) on a throwaway database:
// SQLite, or a database made on the --scratch-url server. A release that
// is a database's ledger, or whose migrations do not apply on the scratch
// engine, gets a note saying the rules did not run, and no finding.
func (s *session) effects(c *cli.Context, rel lint.Released, src string, opts lint.Options) ([]lint.Finding, error) {
	if rel.FS == nil {
		fmt.Fprintf(s.stderr, "note: the effect rules did not run: they apply the release's migrations, and %s is a database; give a git revision or a directory as --base\n", rel.Name)
		return nil, nil
	}
	released, err := rel.Migrations(opts)
	if err != nil {
		return nil, err
	}
	current, err := migration.ResolveDir(src, migration.Options{IgnoredChars: opts.IgnoredChars})
	if err != nil {
		return nil, err
	}
	cfg := effect.Config{Engines: s.prog.Engines, Table: s.config.Table(), Released: released, Current: current, ConnectTimeout: connectTimeout(c)}
	engineName := "SQLite"
	if raw := c.String("scratch-url"); raw != "" {
		s.secretURLs = append(s.secretURLs, raw)
		u, err := dburl.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("--scratch-url: %w", err)
		}
		cfg.Scratch = u
		switch u.Engine {
		case engine.Postgres:
			engineName = "PostgreSQL"
		case engine.MySQL:
			engineName = "MySQL"
		}
	}
	findings, err := effect.Check(c.Context, cfg)
	if errors.Is(err, effect.ErrNotApplicable) {
		hint := ""
		if engineName == "SQLite" {
			hint = "; for PostgreSQL or MySQL migrations give --scratch-url postgres://USER@HOST/DB or mysql://USER@HOST/DB (a server where a throwaway database may be created and dropped)"
		}
		fmt.Fprintf(s.stderr, "note: the effect rules did not run: %v on %s%s\n", err, engineName, hint)
		return nil, nil
	}
	return findings, err
}

// releasedDatabase is the ledger of the database at raw, a release's
// (its prepared database, or production's): read, never written. A SQLite
// file is opened read-only; on a server only the ledger is read.
func (s *session) releasedDatabase(c *cli.Context, raw string) (lint.Released, error) {
	s.secretURLs = append(s.secretURLs, raw)
	u, err := dburl.Parse(raw)
	if err != nil {
		return lint.Released{}, fmt.Errorf("--base: %w", err)
	}
	if u.SQLite.Path != "" && !u.SQLite.Memory {
		u.SQLite.Path, u.SQLite.Mode = s.path(u.SQLite.Path), "ro"
	}
	st, err := s.prog.Engines.Open(c.Context, u, store.OpenConfig{
		Options:        store.Options{Table: s.config.Table()},
		ConnectTimeout: connectTimeout(c),
		OnWait:         s.waiting,
	})
	if err != nil {
		return lint.Released{}, fmt.Errorf("--base %s: %w", u, err)
	}
	defer st.Close()
	has, err := st.HasLedger(c.Context)
	if err != nil {
		return lint.Released{}, fmt.Errorf("--base %s: %w", u, err)
	}
	if !has {
		return lint.Released{}, fmt.Errorf("--base %s has no %s table: name the database the release was applied to (or its prepared database)", u, s.config.Table())
	}
	rows, err := st.Applied(c.Context)
	if err != nil {
		return lint.Released{}, fmt.Errorf("--base %s: %w", u, err)
	}
	return lint.Released{Name: u.String(), Ledger: rows}, nil
}

// githubAnnotation is f as a GitHub Actions workflow command, which the
// pull request shows on the file's line: ::error file=…,line=…,title=…::….
func githubAnnotation(f lint.Finding) string {
	level := map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Allowed: "notice"}[f.Severity]
	props := "file=" + escapeProperty(f.File)
	if f.Line > 0 {
		props += fmt.Sprintf(",line=%d", f.Line)
	}
	props += ",title=" + escapeProperty("dbprep "+f.Rule)
	return "::" + level + " " + props + "::" + escapeData(f.Message)
}

// escapeData and escapeProperty escape as GitHub's toolkit does for a
// workflow command's message and its properties.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
