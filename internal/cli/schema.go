package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/outfile"
	"github.com/dbprep/dbprep/internal/store"
	"github.com/dbprep/dbprep/internal/textdiff"
)

func schemaCommand(s *session) *cli.Command {
	return &cli.Command{
		Name:  "schema",
		Usage: "print the schema of DATABASE_URL (or of a prepared database) as SQL, for review and diffs",
		Description: "Every object in an order that loads into an empty database, then the ledger's rows as INSERTs. " +
			"The same database gives the same bytes. PostgreSQL needs pg_dump on PATH.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the schema to FILE (replaced atomically) instead of stdout"},
			outDirFlag(".sql"),
			&cli.StringFlag{Name: "check", Usage: "compare with FILE: exit 1 with a unified diff when they differ"},
		},
		Action: action(s, 0, s.schema),
	}
}

func (s *session) schema(c *cli.Context) error {
	if err := noOutDir(c); err != nil {
		return err
	}
	st, _, err := s.open(c)
	if err != nil {
		return err
	}
	defer st.Close()
	d, ok := st.(store.Dumper)
	if !ok {
		return errors.New("this database cannot print its schema")
	}
	text, err := d.DumpSchema(c.Context)
	if err != nil {
		return err
	}
	switch {
	case c.String("check") != "":
		want, err := os.ReadFile(c.String("check"))
		if err != nil {
			return fmt.Errorf("--check: %w", err)
		}
		if diff := textdiff.Unified(c.String("check"), "database", string(want), text); diff != "" {
			s.printf("%s", diff)
			return fmt.Errorf("the schema differs from %s (run `dbprep schema --out %s` to update it)", c.String("check"), c.String("check"))
		}
		return nil
	case c.String("out") != "":
		t, err := outfile.Resolve(c.String("out"))
		if err != nil {
			return outFlag(err)
		}
		return outFlag(outfile.Write(t, []byte(text)))
	}
	s.printf("%s", text)
	return nil
}
