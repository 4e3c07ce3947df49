package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/store"
)

func databaseCommand(s *session) *cli.Command {
	yes := &cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation"}
	force := &cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "end other sessions on the database first (PostgreSQL)"}
	wal := &cli.BoolFlag{Name: "sqlite-create-db-wal", Value: true, Usage: "create SQLite databases in WAL mode, as sqlx-cli does"}
	return &cli.Command{
		Name: "database", Aliases: []string{"db"}, Usage: "create, drop, reset or set up the database of DATABASE_URL",
		Subcommands: []*cli.Command{
			{Name: "create", Usage: "create the database if it does not exist",
				Flags: []cli.Flag{wal}, Action: action(s, 0, s.databaseCreate)},
			{Name: "drop", Usage: "drop the database (asks first unless -y)",
				Flags: []cli.Flag{yes, force}, Action: action(s, 0, s.databaseDrop)},
			{Name: "reset", Usage: "drop the database, create it and run every migration",
				Flags: []cli.Flag{yes, force, wal}, Action: action(s, 0, s.databaseReset)},
			{Name: "setup", Usage: "create the database and run every migration",
				Flags: []cli.Flag{wal}, Action: action(s, 0, s.databaseSetup)},
		},
	}
}

func (s *session) admin(c *cli.Context) (store.Admin, dburl.URL, error) {
	u, err := s.databaseURL(c)
	if err != nil {
		return nil, u, err
	}
	a, err := s.prog.Engines.Admin(u, store.AdminConfig{ConnectTimeout: connectTimeout(c), OnWait: s.waiting, SQLiteWAL: c.Bool("sqlite-create-db-wal")})
	return a, u, err
}

func (s *session) databaseCreate(c *cli.Context) error {
	a, _, err := s.admin(c)
	if err != nil {
		return err
	}
	exists, err := a.Exists(c.Context)
	if err != nil || exists {
		return err
	}
	return a.Create(c.Context)
}

func (s *session) databaseDrop(c *cli.Context) error {
	a, u, err := s.admin(c)
	if err != nil {
		return err
	}
	exists, err := a.Exists(c.Context)
	if err != nil || !exists {
		return err
	}
	if !c.Bool("yes") {
		if err := s.confirm(fmt.Sprintf("Drop database at %s? [y/N] ", u)); err != nil {
			return err
		}
	}
	return a.Drop(c.Context, c.Bool("force"))
}

// confirm asks on stderr and reads a yes from stdin.
func (s *session) confirm(question string) error {
	fmt.Fprint(s.stderr, question)
	line, err := bufio.NewReader(s.stdin).ReadString('\n')
	if err != nil {
		fmt.Fprintln(s.stderr) // no answer: end the prompt's line
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return &exitError{code: ExitError, err: fmt.Errorf("not confirmed; nothing was dropped (pass -y to drop without asking)")}
}

func (s *session) databaseSetup(c *cli.Context) error {
	if err := s.databaseCreate(c); err != nil {
		return err
	}
	return s.migrateRun(c)
}

func (s *session) databaseReset(c *cli.Context) error {
	if err := s.databaseDrop(c); err != nil {
		return err
	}
	return s.databaseSetup(c)
}
