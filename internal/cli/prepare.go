package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/outfile"
	"github.com/dbprep/dbprep/internal/prepare"
)

func prepareCommand(s *session) *cli.Command {
	return &cli.Command{
		Name: "prepare", Aliases: []string{"prep"},
		Usage: "build a new SQLite database with every migration applied, byte-for-byte reproducible",
		Description: "The file is written to a temporary name beside --out and renamed into place. " +
			"installed_on is $SOURCE_DATE_EPOCH (default 0, i.e. 1970-01-01 00:00:00) and execution_time is 0. " +
			"While the migrations run, SQLite's clock ('now', CURRENT_TIMESTAMP, …) reads $SOURCE_DATE_EPOCH, " +
			"'localtime' is UTC, and random() and randomblob() start from a fixed seed.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "database file to write (required; replaced atomically)"},
			outDirFlag(".sqlite3"),
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print a line for each migration applied"},
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "replace --out even if it is not a database dbprep prepared"},
			&cli.BoolFlag{Name: "check", Usage: "prepare twice and fail, naming what differs, unless both builds are the same bytes"},
		},
		Action: action(s, 0, s.prepare),
	}
}

func (s *session) prepare(c *cli.Context) error {
	if err := noOutDir(c); err != nil {
		return err
	}
	if c.String("out") == "" {
		return &exitError{code: ExitUsage, err: errors.New("--out is required: name the database file to write, e.g. `dbprep prepare --out db.sqlite3`")}
	}
	ms, err := s.migrations(c)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return migration.NoMigrations(s.source(c))
	}
	epoch, err := sourceDateEpoch(s)
	if err != nil {
		return err
	}
	var progress func(migrate.Event)
	if c.Bool("verbose") {
		progress = s.printEvent
		s.printf("%s\n", s.rules())
	}
	sum, err := prepare.Prepare(c.Context, prepare.Config{
		Migrations: ms, Out: c.String("out"), Table: s.config.Table(), SourceDateEpoch: epoch, Progress: progress,
		SQLiteNoTx: s.sqlxMain, Force: c.Bool("force"), Check: c.Bool("check"),
	})
	if err != nil {
		return outFlag(err)
	}
	s.printf("Prepared %s: %d migrations applied, %d tables, %d bytes\nsha256 %s\n", sum.Out, sum.Applied, sum.Tables, sum.Size, sum.SHA256)
	return nil
}

func sourceDateEpoch(s *session) (int64, error) {
	v, ok := s.getenv("SOURCE_DATE_EPOCH")
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > 253402300799 {
		return 0, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970 (e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%%ct))", v)
	}
	return n, nil
}

// outFlag names --out before an error that starts with the output path
// (outfile.PathError): core packages name the path, the command line its
// flag.
func outFlag(err error) error {
	var pe *outfile.PathError
	if errors.As(err, &pe) && strings.HasPrefix(err.Error(), pe.Path) {
		return fmt.Errorf("--out %w", err)
	}
	return err
}
