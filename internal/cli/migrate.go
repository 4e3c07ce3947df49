package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
)

func migrateCommand(s *session) *cli.Command {
	runFlags := func() []cli.Flag {
		return []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "list what would be done, change nothing"},
			&cli.BoolFlag{Name: "ignore-missing", Usage: "ignore applied migrations whose files are gone"},
			&cli.Int64Flag{Name: "target-version", Usage: "stop at (run) or go back to (revert) this version"},
			&cli.BoolFlag{Name: "no-lock", Usage: "do not take the migration lock (CockroachDB, PgBouncer in transaction mode)"}}
	}
	format := &cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}
	return &cli.Command{
		Name: "migrate", Aliases: []string{"mig"}, Usage: "add, run, revert and inspect migrations",
		Subcommands: []*cli.Command{
			{Name: "add", Usage: "create a new migration file (or an up/down pair)", ArgsUsage: "DESCRIPTION",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "reversible", Aliases: []string{"r"}, Usage: "create an up/down pair (sqlx 0.8: in an empty directory only; later ones follow the first)"},
					&cli.BoolFlag{Name: "simple", Usage: "create a single file, whatever the directory holds"},
					&cli.BoolFlag{Name: "sequential", Aliases: []string{"s"}, Usage: "version by last + 1, as 0001"},
					&cli.BoolFlag{Name: "timestamp", Aliases: []string{"t"}, Usage: "version by UTC time, as 20060102150405"}},
				Action: action(s, 100, s.migrateAdd)},
			{Name: "run", Usage: "apply every pending migration", Flags: runFlags(), Action: action(s, 0, s.migrateRun)},
			{Name: "revert", Usage: "revert the latest migration (or down to --target-version)", Flags: runFlags(), Action: action(s, 0, s.migrateRevert)},
			{Name: "override", Usage: "change the ledger by hand, as sqlx 0.9's `migrate override`",
				Subcommands: []*cli.Command{
					{Name: "skip", Usage: "record pending migrations (up to --target-version) as applied without running them",
						Flags: runFlags(), Action: action(s, 0, s.migrateSkip)},
				}},
			{Name: "info", Usage: "list migrations and whether each is applied",
				Flags: []cli.Flag{format}, Action: action(s, 0, s.migrateInfo)},
			lintCommand(s),
			{Name: "check", Usage: "exit 0 if the database matches the directory, 3 if anything is pending, missing, modified or dirty",
				Flags: []cli.Flag{format}, Action: action(s, 0, s.migrateCheck)},
		},
	}
}

func (s *session) migrateAdd(c *cli.Context) error {
	args := c.Args().Slice() // flags after the description were moved before it (flagsFirst)
	files, err := migration.Add(s.source(c), strings.Join(args, " "), migration.AddOptions{
		Reversible: c.Bool("reversible"), Simple: c.Bool("simple"), SqlxMain: s.sqlxMain,
		Sequential: c.Bool("sequential"), Timestamp: c.Bool("timestamp"), Now: time.Now(),
		DefaultType: s.config.Migrate.Defaults.MigrationType, DefaultVersioning: s.config.Migrate.Defaults.MigrationVersioning,
	})
	for _, f := range files {
		s.printf("Creating %s\n", f)
	}
	return err
}

// withMigrator resolves the migrations, connects, runs fn and disconnects.
func (s *session) withMigrator(c *cli.Context, fn func(m *migrate.Migrator) error) error {
	// Read the migrations while connecting (on SQLite: while SQLite reads
	// the schema), which on a run with nothing to do take about as long as
	// each other. An error in the migrations wins, and stops the connecting.
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	type resolved struct {
		ms  []migration.Migration
		err error
	}
	done := make(chan resolved, 1)
	// Notices of waiting for the server are held until the migrations are
	// read: when they are bad, only their error is printed.
	gate := &waitGate{out: s.waiting}
	go func(resolve func() ([]migration.Migration, error)) {
		ms, err := resolve()
		if err != nil {
			cancel()
		}
		gate.open(err == nil)
		done <- resolved{ms, err}
	}(s.resolver(c))
	st, _, err := s.openContext(ctx, c, gate.notice)
	r := <-done
	if r.err != nil {
		if err == nil {
			st.Close()
		}
		return r.err
	}
	ms := r.ms
	if len(ms) == 0 {
		fmt.Fprintf(s.stderr, "warning: %v\n", migration.NoMigrations(s.source(c)))
	}
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(&migrate.Migrator{Store: st, Migrations: ms, NoLock: c.Bool("no-lock"), Progress: s.printEvent})
}

// waitGate holds notices until it is opened, then passes them on; when it
// is closed instead, they are dropped.
type waitGate struct {
	mu     sync.Mutex
	out    func(string)
	held   []string
	opened bool
	closed bool
}

func (g *waitGate) notice(msg string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.opened:
		g.out(msg)
	case !g.closed:
		g.held = append(g.held, msg)
	}
}

// open passes on the held notices when ok, else drops them and any later.
func (g *waitGate) open(ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opened, g.closed = ok, !ok
	if ok {
		for _, m := range g.held {
			g.out(m)
		}
	}
	g.held = nil
}

func runOptions(c *cli.Context) migrate.Options {
	o := migrate.Options{DryRun: c.Bool("dry-run"), IgnoreMissing: c.Bool("ignore-missing")}
	if c.IsSet("target-version") {
		v := c.Int64("target-version")
		o.Target = &v
	}
	return o
}

func (s *session) migrateRun(c *cli.Context) error {
	return s.withMigrator(c, func(m *migrate.Migrator) error {
		_, err := m.Run(c.Context, runOptions(c))
		return err
	})
}

// migrateSkip is sqlx 0.9's `migrate override skip`: migrate run's checks
// and loop, recording each pending migration instead of running it.
func (s *session) migrateSkip(c *cli.Context) error {
	opts := runOptions(c)
	opts.Skip = true
	return s.withMigrator(c, func(m *migrate.Migrator) error {
		_, err := m.Run(c.Context, opts)
		return err
	})
}

func (s *session) migrateRevert(c *cli.Context) error {
	var res migrate.Result
	opts := runOptions(c)
	err := s.withMigrator(c, func(m *migrate.Migrator) (err error) {
		res, err = m.Revert(c.Context, opts)
		return err
	})
	for _, v := range res.NoDown {
		fmt.Fprintf(s.stderr, "warning: migration %d is applied but has no .down.sql file: it stays applied, and the revert goes past it (as sqlx's does)\n", v)
	}
	if err == nil && len(res.Events) == 0 {
		// As sqlx-cli: say so and exit 0.
		switch {
		case res.Applied == 0:
			s.printf("No migrations available to revert: nothing is applied\n")
		case opts.Target != nil:
			s.printf("No migrations available to revert: nothing applied above version %d has a .down.sql file\n", *opts.Target)
		default:
			s.printf("No migrations available to revert: no applied migration has a .down.sql file\n")
		}
	}
	return err
}

// status validates --format, then compares the database with the
// directory. Duplicate versions, which run and revert refuse, are warned
// of on stderr and returned as dup.
func (s *session) status(c *cli.Context, readOnly bool) (st migrate.Status, dup, err error) {
	if err := checkFormat(c); err != nil {
		return st, nil, err
	}
	err = s.withMigrator(c, func(m *migrate.Migrator) error {
		if dup = migration.CheckDuplicates(m.Migrations); dup != nil {
			fmt.Fprintf(s.stderr, "warning: %v\n", dup)
		}
		st, err = m.Status(c.Context, readOnly)
		return err
	})
	return st, dup, err
}

// checkFormat validates --format before anything connects.
func checkFormat(c *cli.Context) error {
	switch c.String("format") {
	case "text", "json":
		return nil
	}
	return &exitError{code: ExitUsage, err: fmt.Errorf("--format %q: use text or json", c.String("format"))}
}

func (s *session) migrateInfo(c *cli.Context) error {
	st, _, err := s.status(c, false)
	if err != nil {
		return err
	}
	if c.String("format") == "json" {
		return s.printJSON(st)
	}
	s.printf("%s\n", s.rules())
	s.printInfo(st)
	return nil
}

func (s *session) migrateCheck(c *cli.Context) error {
	st, dup, err := s.status(c, true)
	if err != nil {
		return err
	}
	if dup != nil {
		return &exitError{code: ExitDrift, err: dup}
	}
	if c.String("format") == "json" {
		if err := s.printJSON(st); err != nil {
			return err
		}
	} else if st.UpToDate() {
		s.printf("up to date: %d migrations applied\n", st.Count(migrate.Installed))
	}
	if st.UpToDate() {
		return nil
	}
	return &exitError{code: ExitDrift, err: driftError(st)}
}
